"""spool_view.py - a test's view of a provbox spool: drop jobs the way
operators do (write in tmp/, rename into new/), find where a job is, read
its status file."""
import os


class Spool:
    def __init__(self, path):
        self.path = path

    def drop(self, name, headers, document):
        tmp = os.path.join(self.path, "tmp", name)
        with open(tmp, "wb") as f:
            f.write("".join("%s: %s\n" % h for h in headers).encode() + b"\n" + document)
        os.rename(tmp, os.path.join(self.path, "new", name))

    def state_of(self, name):
        for state in ("new", "active", "deferred", "done", "failed"):
            if os.path.exists(os.path.join(self.path, state, name)):
                return state
        return None

    def jobs_in(self, state):
        """The jobs in a state directory (not their status files, not dot
        files); none when the directory is not there."""
        d = os.path.join(self.path, state)
        if not os.path.isdir(d):
            return []
        return [n for n in os.listdir(d) if not n.startswith(".") and not n.endswith(".status")]

    def status(self, name):
        state = self.state_of(name)
        if state is None:
            return None
        try:
            with open(os.path.join(self.path, state, name + ".status")) as f:
                return f.read()
        except FileNotFoundError:
            return None

    def recipients(self, name):
        text = self.status(name) or ""
        out = {}
        for line in text.splitlines():
            if line.startswith("Recipient: "):
                words = line.split()
                out[words[1]] = words[2]
        return out

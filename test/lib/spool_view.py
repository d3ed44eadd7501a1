"""spool_view.py - a test's view of a provbox spool: drop jobs the way
operators do (write in tmp/, rename into new/), find where a job is, read
its status file."""
import os
import re

CHECKED = re.compile(r"^(.*?) *~([0-9a-f]{8})$")


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def logical_status(text):
    """A status file as an operator reads it (doc/job-format.md): pad lines
    ('#...') dropped, and from the Layout: line on, the blanks and the check
    at the end of each line dropped after verifying the check. A status in
    provbox 1.x's layout (no Layout: line) comes back as it is. Raises
    ValueError on a wrong check."""
    out, slotted = [], False
    for line in text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"):
        if slotted and line.startswith("#"):
            continue
        m = CHECKED.match(line) if slotted else None
        if slotted and line and not line.startswith(("Layout: ", "#")):
            if m is None:
                raise ValueError("no check: %r" % line)
            body = line[:line.rindex(" ~")]
            if fnv1a(body.encode("utf-8", "surrogateescape")) != int(m.group(2), 16):
                raise ValueError("wrong check: %r" % line)
            line = m.group(1)
        if line.startswith("Layout: "):
            slotted = True
        out.append(line)
    return "".join(l + "\n" for l in out)


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
            with open(os.path.join(self.path, state, name + ".status"),
                      errors="surrogateescape") as f:
                return logical_status(f.read())
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

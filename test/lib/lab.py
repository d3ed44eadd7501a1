"""lab.py - a throw-away Kannel lab for provbox's integration tests.

Lab() starts a real bearerbox (Debian's `kannel`) and fakesmsc (Debian's
`kannel-extras`) on free 127.0.0.1 ports in a temporary directory, and can
start provbox processes against it. It stops exactly the processes it
started (never by name), also when a test fails. Use it as a context manager:

    with Lab() as lab:
        lab.start()
        provbox = lab.start_provbox(lab.provbox_conf(spool_dir=...))
        ...
        for msg in lab.received():          # what fakesmsc got, decoded
            msg.udh, msg.data

Environment: BEARERBOX, FAKESMSC (paths), PROVBOX_BUILDDIR (for provbox and
provctl), LAB_KEEP=1 keeps the temporary directory for inspection.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

BUILDDIR = os.environ.get("PROVBOX_BUILDDIR", os.getcwd())
SRCDIR = os.environ.get("PROVBOX_SRCDIR", os.getcwd())
PROVBOX = os.path.join(BUILDDIR, "provbox", "daemon", "provbox")
PROVCTL = os.path.join(BUILDDIR, "provbox", "tool", "provctl")


def which(env, name, extra_dirs):
    path = os.environ.get(env)
    if path:
        return path
    for d in os.environ.get("PATH", "").split(os.pathsep) + extra_dirs:
        cand = os.path.join(d, name)
        if os.access(cand, os.X_OK):
            return cand
    raise RuntimeError("%s not found: install Debian's kannel and kannel-extras" % name)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=20.0, step=0.05, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("timed out after %.0fs waiting for %s" % (timeout, what))


class Received:
    """One message as fakesmsc printed it: sender receiver udh data."""

    def __init__(self, line):
        words = line.split(" ")
        self.sender, self.receiver = words[0], words[1]
        self.udh = b""
        self.data = b""
        i = 2
        while i < len(words) - 1:
            kind, value = words[i], words[i + 1]
            raw = urllib.parse.unquote_to_bytes(value.replace("+", " "))
            if kind == "udh":
                self.udh = raw
            elif kind in ("data", "text", "ucs-2"):
                self.data = raw
            i += 2
        self.line = line


class Lab:
    def __init__(self, log_level=1, store_type="file", ssl=False,
                 smsbox_conf="", extra_conf="", fake_smsc_conf=""):
        """smsbox_conf: lines added to kannel.conf's smsbox group;
        fake_smsc_conf: lines added to its fake SMSC's group (e.g. a
        denied-prefix; changed between restarts of bearerbox too);
        extra_conf: text appended to kannel.conf (more groups)."""
        self.dir = tempfile.mkdtemp(prefix="provbox-lab-")
        self.smsbox_conf = smsbox_conf
        self.fake_smsc_conf = fake_smsc_conf
        self.extra_conf = extra_conf
        self.admin_port = free_port()
        self.box_port = free_port()
        self.smsc_port = free_port()
        self.admin_password = "lab-admin"
        self.log_level = log_level
        self.store_type = store_type
        self.ssl = ssl
        self.procs = []
        self.bearerbox = None
        self.fakesmsc = None
        self.bearerbox_bin = which("BEARERBOX", "bearerbox", ["/usr/sbin"])
        self.fakesmsc_bin = which("FAKESMSC", "fakesmsc", ["/usr/lib/kannel/test"])
        self.bb_conf = os.path.join(self.dir, "kannel.conf")
        self.fakesmsc_log = os.path.join(self.dir, "fakesmsc.log")

    # -- configuration -------------------------------------------------
    def write_bearerbox_conf(self):
        ssl_lines = ""
        if self.ssl:
            cert, key = self.make_certificate()
            ssl_lines = ("smsbox-port-ssl = true\nssl-server-cert-file = %s\n"
                         "ssl-server-key-file = %s\n" % (cert, key))
        with open(self.bb_conf, "w") as f:
            f.write(
                "group = core\n"
                "admin-port = %d\n"
                "admin-interface = 127.0.0.1\n"
                "admin-password = %s\n"
                "admin-allow-ip = 127.0.0.1\n"
                "smsbox-port = %d\n"
                "smsbox-interface = 127.0.0.1\n"
                "box-allow-ip = 127.0.0.1\n"
                "log-file = %s\n"
                "log-level = %d\n"
                "access-log = %s\n"
                "store-type = %s\n"
                "store-location = %s\n"
                "dlr-storage = internal\n"
                "%s"
                "\n"
                "group = smsbox\n"
                "bearerbox-host = 127.0.0.1\n"
                "%s"
                "\n"
                "group = smsc\n"
                "smsc = fake\n"
                "smsc-id = FAKE\n"
                "host = 127.0.0.1\n"
                "port = %d\n"
                "connect-allow-ip = 127.0.0.1\n"
                "%s"
                "%s"
                % (self.admin_port, self.admin_password, self.box_port,
                   os.path.join(self.dir, "bearerbox.log"), self.log_level,
                   os.path.join(self.dir, "bearerbox-access.log"),
                   self.store_type, os.path.join(self.dir, "bb-store"),
                   ssl_lines, self.smsbox_conf, self.smsc_port, self.fake_smsc_conf,
                   "\n" + self.extra_conf if self.extra_conf else ""))

    def make_certificate(self):
        cert = os.path.join(self.dir, "bb-cert.pem")
        key = os.path.join(self.dir, "bb-key.pem")
        if not os.path.exists(cert):
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                            "-keyout", key, "-out", cert],
                           check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        return cert, key

    def provbox_conf(self, spool_dir=None, provbox_id="provbox-lab",
                     include_kannel=True, **keys):
        """Write a provbox.conf; keys use underscores for dashes."""
        spool_dir = spool_dir or os.path.join(self.dir, "spool")
        path = os.path.join(self.dir, "provbox-%s.conf" % provbox_id)
        lines = []
        if include_kannel:
            lines.append('include = "%s"\n\n' % self.bb_conf)
        lines.append("group = provbox\n")
        settings = {
            "provbox-id": provbox_id,
            "bearerbox-host": "127.0.0.1",
            "spool-dir": spool_dir,
            "log-file": os.path.join(self.dir, "%s.log" % provbox_id),
            "log-level": "0",
            "sender": "1234",
        }
        if not include_kannel:
            settings["bearerbox-port"] = str(self.box_port)
        for k, v in keys.items():
            settings[k.replace("_", "-")] = str(v)
        for k, v in settings.items():
            if v is not None:
                lines.append("%s = %s\n" % (k, v))
        with open(path, "w") as f:
            f.write("".join(lines))
        return path

    # -- processes -------------------------------------------------------
    def spawn(self, argv, log_name, stdin=None):
        log = open(os.path.join(self.dir, log_name), "ab")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                cwd=self.dir, start_new_session=True)
        log.close()
        self.procs.append(proc)
        return proc

    def start(self):
        self.write_bearerbox_conf()
        self.start_bearerbox()
        self.start_fakesmsc()
        self.wait_smsc_online()
        return self

    def start_bearerbox(self):
        self.bearerbox = self.spawn([self.bearerbox_bin, "-v", "4", self.bb_conf],
                                    "bearerbox.out")
        wait_for(lambda: self.status_text() is not None, what="bearerbox admin port")

    def start_fakesmsc(self):
        self.fakesmsc = self.spawn(
            [self.fakesmsc_bin, "-H", "127.0.0.1", "-r", str(self.smsc_port),
             "-m", "0", "-v", "4", "-F", self.fakesmsc_log, "-V", "0",
             "000 000 text lab"], "fakesmsc.out")

    def wait_smsc_online(self, timeout=30):
        wait_for(lambda: "online" in (self.status_text() or "").split("SMSC connections:")[-1],
                 timeout=timeout, what="fake SMSC online")

    def kill(self, proc, sig=signal.SIGKILL):
        if proc is not None and proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_bearerbox(self, sig=signal.SIGKILL):
        self.kill(self.bearerbox, sig)

    def restart_bearerbox(self):
        """kill -9 bearerbox, start it again; fakesmsc (which exits when
        its bearerbox goes) is started again too."""
        self.stop_bearerbox()
        self.start_bearerbox()
        self.kill(self.fakesmsc)
        self.start_fakesmsc()
        self.wait_smsc_online()

    def start_smsbox(self):
        """Kannel's own smsbox (Debian's), for comparisons; needs smsbox_conf."""
        smsbox = which("SMSBOX", "smsbox", ["/usr/sbin"])
        return self.spawn([smsbox, "-v", "4", self.bb_conf], "smsbox.out")

    def start_provbox(self, conf, *args, log_name="provbox.out", wrapper=(), binary=None):
        """wrapper: a command to run provbox under, e.g. ["valgrind", ...];
        binary: another provbox than the build tree's (an installed one)."""
        return self.spawn(list(wrapper) + [binary or PROVBOX, "-v", "4"] + list(args) + [conf],
                          log_name)

    def restart_provbox(self, conf, provbox_id, n):
        """A provbox started (again, after a kill) with its n-th console log;
        returns once bearerbox lists it (or it died)."""
        proc = self.start_provbox(conf, log_name="provbox-%d.out" % n)
        wait_for(lambda: provbox_id in self.box_ids() or proc.poll() is not None,
                 timeout=30, what="provbox identified")
        return proc

    def settled_count(self):
        """fakesmsc's message count once what a killed provbox handed to
        bearerbox has arrived (no new line for 0.5 s), so that every later
        copy is charged to the restart that sent it."""
        count, stable_since = len(self.received_lines()), time.time()
        deadline = time.time() + 15
        while time.time() - stable_since < 0.5 and time.time() < deadline:
            time.sleep(0.05)
            now = len(self.received_lines())
            if now != count:
                count, stable_since = now, time.time()
        return count

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.time() + 10
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        self.procs = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if os.environ.get("LAB_KEEP"):
            print("# lab kept in %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        return False

    # -- observation -------------------------------------------------------
    def http_get(self, path, port=None, timeout=5):
        url = "http://127.0.0.1:%d%s" % (port or self.admin_port, path)
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            return None

    def provbox_log(self, provbox_id):
        """The text of the log-file provbox_conf() gave that provbox-id."""
        with open(os.path.join(self.dir, "%s.log" % provbox_id), errors="replace") as f:
            return f.read()

    def status_text(self):
        return self.http_get("/status.txt")

    def status_xml(self):
        text = self.http_get("/status.xml")
        return ET.fromstring(text) if text else None

    def box_ids(self):
        root = self.status_xml()
        if root is None:
            return []
        return [b.findtext("id") for b in root.iter("box")]

    def received_lines(self):
        try:
            with open(self.fakesmsc_log, "r", errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            i = line.find("Got message ")
            if i < 0:
                continue
            j = line.find(": <", i)
            if j >= 0 and line.endswith(">"):
                out.append(line[j + 3:-1])
        return out

    def received(self):
        return [Received(line) for line in self.received_lines()]

"""hostile_daemon.py - the hostile-input corpus through the running daemon.

Every file of test/hostile/ (listed with its expected reason in
test/hostile/EXPECTED) is dropped into new/ in one batch together with good
jobs and with the cases that cannot live in git: a symlink, a directory, a
FIFO, an unreadable file, a 50 MB file (max-job-size is 1 MB) and a
document needing more segments than max-segments. Each bad case must land
in failed/ with a Reason containing the expected text; the `ok` cases of
EXPECTED and the good jobs must go out; the daemon must keep running; and
no PIN or IMSI of the corpus may appear in any status file or log.

The unreadable file: root reads anything, so when the test runs as root,
provbox runs as the unprivileged user `nobody` (-u nobody, which also
tests dropping privileges after the admin port and the spool are open) and
the file belongs to root with mode 000.
"""
import os
import pwd
import time

from lab import Lab, SRCDIR, wait_for
from spool_view import Spool, logical_status
from tap import run

HOSTILE = os.path.join(SRCDIR, "test", "hostile")
GOOD_DOC = (b'<wap-provisioningdoc><characteristic type="BOOTSTRAP">'
            b'<parm name="NAME" value="hostile batch"/></characteristic>'
            b'</wap-provisioningdoc>')
SECRETS = ["242011234567890", "242011234567891", "24201ABCD567890",
           "2420112345678901", "2420112345O7891", "5678", "7391"]
GOOD_PIN = "7391"
DROP_USER = "nobody"


def expected_cases():
    cases = []
    with open(os.path.join(HOSTILE, "EXPECTED")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, stage, want = line.split(None, 2)
            cases.append((name, stage, want.strip()))
    return cases


def job_bytes(headers, doc):
    return "".join("%s: %s\n" % h for h in headers).encode() + b"\n" + doc


def place(spool, name, make):
    """Create an odd entry in tmp/, then rename it into new/ (as operators do)."""
    tmp = os.path.join(spool.path, "tmp", name)
    make(tmp)
    os.rename(tmp, os.path.join(spool.path, "new", name))


def write_file(data, mode=None):
    def make(path):
        with open(path, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(path, mode)
    return make


def make_directory(path):
    """A directory as a spool user would make it (renaming a directory
    needs write access to it)."""
    os.mkdir(path, 0o755)
    if os.geteuid() == 0:
        pw = pwd.getpwnam(DROP_USER)
        os.chown(path, pw.pw_uid, pw.pw_gid)


def special_cases(lab, spool):
    """(name, expected reason substring), each already placed in new/."""
    good = job_bytes([("To", "4797000090"), ("Sec", "USERPIN"), ("Pin", GOOD_PIN)], GOOD_DOC)
    target = os.path.join(lab.dir, "symlink-target.job")
    write_file(good)(target)
    os.chmod(target, 0o644)
    place(spool, "x-symlink", lambda p: os.symlink(target, p))
    place(spool, "x-directory", make_directory)
    place(spool, "x-fifo", lambda p: os.mkfifo(p, 0o644))
    place(spool, "x-unreadable", write_file(good, 0o000))
    big = job_bytes([("To", "4797000091"), ("Sec", "USERPIN"), ("Pin", GOOD_PIN)],
                    GOOD_DOC + b"<!--" + b"x" * (50 * 1024 * 1024) + b"-->")
    place(spool, "x-50mb", write_file(big, 0o644))
    parms = b"".join(b'<parm name="NAME" value="%d-%s"/>' % (i, b"v" * 60) for i in range(120))
    huge = (b'<wap-provisioningdoc><characteristic type="NAPDEF">' + parms
            + b'</characteristic></wap-provisioningdoc>')
    place(spool, "x-too-many-segments",
          write_file(job_bytes([("To", "4797000092"), ("Sec", "USERPIN"), ("Pin", GOOD_PIN)], huge), 0o644))
    return [("x-symlink", "symlink"), ("x-directory", "directory"), ("x-fifo", "FIFO"),
            ("x-unreadable", "Permission denied"), ("x-50mb", "more than the limit"),
            ("x-too-many-segments", "max-segments")]


def drop_corpus(spool, cases):
    for name, _, _ in cases:
        with open(os.path.join(HOSTILE, name), "rb") as f:
            place(spool, name, write_file(f.read(), 0o644))


def drop_good(spool, count):
    names = []
    for i in range(count):
        name = "good-%02d" % i
        spool.drop(name, [("To", "47970001%02d" % i), ("Sec", "USERPIN"), ("Pin", GOOD_PIN)], GOOD_DOC)
        names.append(name)
    return names


def prepare_spool(lab, spool, as_user):
    for d in ("", "tmp", "new", "active", "deferred", "done", "failed"):
        os.makedirs(os.path.join(spool.path, d), mode=0o770, exist_ok=True)
    if as_user:
        os.chmod(lab.dir, 0o711)
        pw = pwd.getpwnam(DROP_USER)
        for d in ("", "tmp", "new", "active", "deferred", "done", "failed"):
            os.chown(os.path.join(spool.path, d), pw.pw_uid, pw.pw_gid)


def settled(spool, names):
    return all(spool.state_of(n) in ("done", "failed") for n in names)


def check_leaks(t, lab, spool):
    texts = []
    for state in ("done", "failed"):
        d = os.path.join(spool.path, state)
        for n in os.listdir(d):
            if n.endswith(".status"):
                # checks (" ~" and 8 hex digits) dropped: their digits are not secrets
                with open(os.path.join(d, n), errors="surrogateescape") as f:
                    texts.append((n, logical_status(f.read())))
    for n in os.listdir(lab.dir):
        if n.endswith(".log") or n.endswith(".out"):
            if n.startswith("bearerbox") or n.startswith("fakesmsc"):
                continue
            with open(os.path.join(lab.dir, n), errors="replace") as f:
                texts.append((n, f.read()))
    leaks = [(n, s) for n, text in texts for s in SECRETS
             if s in "\n".join(l for l in text.splitlines() if not l.startswith("Entry-Code: "))]
    t.eq(leaks, [], "no PIN or IMSI of the corpus in any status file or provbox log")


def main(t):
    cases = expected_cases()
    as_user = os.geteuid() == 0
    with Lab() as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        prepare_spool(lab, spool, as_user)
        conf = lab.provbox_conf(provbox_id="pb-hostile", spool_dir=spool.path,
                                log_level=0, access_log=os.path.join(lab.dir, "access.log"))
        args = ["-u", DROP_USER] if as_user else []
        proc = lab.start_provbox(conf, *args)
        wait_for(lambda: "pb-hostile" in lab.box_ids(), what="provbox identified")
        if as_user:
            t.eq(os.stat("/proc/%d" % proc.pid).st_uid, pwd.getpwnam(DROP_USER).pw_uid,
                 "provbox runs as %s after -u %s" % (DROP_USER, DROP_USER))
        drop_corpus(spool, cases)
        special = special_cases(lab, spool)
        good = drop_good(spool, 10)
        names = [c[0] for c in cases] + [s[0] for s in special] + good
        try:
            wait_for(lambda: settled(spool, names) or proc.poll() is not None,
                     timeout=90, what="every case decided")
        except TimeoutError as e:
            t.diag(str(e))  # the checks below name the undecided cases
        t.ok(proc.poll() is None, "the daemon keeps running through the whole batch")
        bad = [(n, want) for n, stage, want in cases if stage != "ok"] + special
        in_failed = 0
        for name, want in bad:
            status = spool.status(name) or ""
            reason = [l for l in status.splitlines() if l.startswith("Reason:")]
            passed = spool.state_of(name) == "failed" and any(want in l for l in reason)
            in_failed += passed
            t.ok(passed, "%s: failed/ with a reason containing '%s'" % (name, want),
                 "state %s\n%s" % (spool.state_of(name), status))
        t.diag("%d hostile cases, %d in failed/ with the expected reason" % (len(bad), in_failed))
        t.ok(len(bad) >= 40, "at least 40 hostile cases (%d)" % len(bad))
        oks = [n for n, stage, _ in cases if stage == "ok"] + good
        for name in oks:
            t.eq(spool.state_of(name), "done", "%s: valid, goes out" % name, spool.status(name))
        check_leaks(t, lab, spool)
        t.ok(proc.poll() is None, "the daemon is still running at the end")


run(main)

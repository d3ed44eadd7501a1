"""full_disk.py - a spool on a full disk, then on a read-only one.

The spool lives on a small tmpfs mounted by the test (root only; without
the right to mount, the test says so and skips). With intake suspended
(admin /suspend), jobs are dropped, then the file system is filled to the
last byte (ENOSPC), or remounted read-only (EROFS), and intake resumed.

provbox must then: keep running; leave each job where it was, byte for
byte (new/ or active/, never done/ or failed/ on a write it could not
make); leave no half-written file (no temporary dot files, every status
file complete); log the cause ("No space left on device", "Read-only file
system"); and send every job once space (or write access) returns.
"""
import errno
import os
import subprocess
import time
import urllib.request

from lab import Lab, free_port, wait_for
from spool_view import Spool
from tap import run

DOC = (b'<wap-provisioningdoc><characteristic type="BOOTSTRAP">'
       b'<parm name="NAME" value="full disk"/></characteristic>'
       b'</wap-provisioningdoc>')
STATES = ("new", "active", "deferred", "done", "failed")
ADMIN_PW = "disk-admin"


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0750" % size, "tmpfs", path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.returncode == 0, r.stdout.decode(errors="replace").strip()


def remount(path, mode):
    """Going read-only fails (EBUSY) while a file is open for writing: a
    status being written at that instant. Retry."""
    def attempt():
        return subprocess.run(["mount", "-o", "remount,%s" % mode, path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    wait_for(attempt, timeout=20, step=0.1, what="remount %s" % mode)


def admin(lab, port, command):
    url = "http://127.0.0.1:%d/%s.txt?password=%s" % (port, command, ADMIN_PW)
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status


def fill(path):
    """Write path until the file system is full; returns bytes written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (65536, 4096, 1):
            while True:
                try:
                    written += f.write(b"\0" * chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    return written


def drop_batch(spool, prefix, count, base):
    jobs = {}
    for i in range(count):
        name = "%s-%d" % (prefix, i)
        headers = [("To", "47980%05d" % (base + i)), ("Sec", "USERPIN"), ("Pin", "1234")]
        spool.drop(name, headers, DOC)
        jobs[name] = "".join("%s: %s\n" % h for h in headers).encode() + b"\n" + DOC
    return jobs


def leftovers(spool):
    """Temporary files and status files without a State line."""
    bad = []
    for state in STATES + ("tmp",):
        d = os.path.join(spool.path, state)
        for n in os.listdir(d):
            p = os.path.join(d, n)
            if n.startswith(".") and n != ".status-locks":
                bad.append(p)
            elif n.endswith(".status"):
                with open(p, errors="replace") as f:
                    if "\nState: " not in "\n" + f.read():
                        bad.append(p + " (incomplete)")
    return bad


def check_blocked(t, lab, spool, proc, jobs, cause):
    time.sleep(4)  # intake resumed: several dispatcher rounds
    t.ok(proc.poll() is None, "%s: provbox keeps running" % cause)
    where = {n: spool.state_of(n) for n in jobs}
    t.ok(all(s in ("new", "active") for s in where.values()),
         "%s: the jobs stay where they were" % cause, where)
    intact = all(open(os.path.join(spool.path, where[n], n), "rb").read() == body
                 for n, body in jobs.items() if where[n] in ("new", "active"))
    t.ok(intact, "%s: each job file is intact, byte for byte" % cause)
    t.eq(leftovers(spool), [], "%s: nothing half-written in the spool" % cause)
    t.ok(cause in lab.provbox_log("pb-disk"), "%s: the log names the cause" % cause)


def check_recovers(t, spool, proc, jobs, cause):
    wait_for(lambda: all(spool.state_of(n) == "done" for n in jobs), timeout=60,
             what="jobs done after %s is over" % cause)
    t.ok(all(spool.state_of(n) == "done" for n in jobs),
         "%s over: every job goes out" % cause)
    t.ok(proc.poll() is None, "%s over: provbox still running" % cause)


def scenario(t, lab, mnt):
    spool = Spool(os.path.join(mnt, "spool"))
    port = free_port()
    conf = lab.provbox_conf(provbox_id="pb-disk", spool_dir=spool.path, rescan_interval=1,
                            admin_port=port, admin_password=ADMIN_PW)
    proc = lab.start_provbox(conf)
    wait_for(lambda: "pb-disk" in lab.box_ids(), what="provbox identified")
    warm = drop_batch(spool, "warm", 1, 0)
    wait_for(lambda: all(spool.state_of(n) == "done" for n in warm), what="first job done")

    admin(lab, port, "suspend")
    jobs = drop_batch(spool, "nospace", 3, 10)
    filled = fill(os.path.join(mnt, "filler"))
    t.diag("tmpfs filled with %d bytes" % filled)
    admin(lab, port, "resume")
    check_blocked(t, lab, spool, proc, jobs, "No space left on device")
    os.unlink(os.path.join(mnt, "filler"))
    check_recovers(t, spool, proc, jobs, "No space left on device")

    admin(lab, port, "suspend")
    jobs = drop_batch(spool, "readonly", 3, 20)
    remount(mnt, "ro")
    try:
        admin(lab, port, "resume")
        check_blocked(t, lab, spool, proc, jobs, "Read-only file system")
    finally:
        remount(mnt, "rw")
    check_recovers(t, spool, proc, jobs, "Read-only file system")

    # A job is done once bearerbox has it; fakesmsc may log it a little later.
    def received():
        return {line.split(" ")[1] for line in lab.received_lines()}
    try:
        wait_for(lambda: len(received()) >= 7, timeout=30, what="7 recipients at fakesmsc")
    except TimeoutError:
        pass    # the check below says what arrived
    t.eq(len(received()), 7, "fakesmsc got all 7 recipients")


def main(t):
    with Lab() as lab:
        mnt = os.path.join(lab.dir, "mnt")
        mounted, why = mount_tmpfs(mnt, "2m")
        if not mounted:
            t.ok(True, "# SKIP cannot mount a tmpfs here (%s)" % why)
            return
        try:
            lab.start()
            scenario(t, lab, mnt)
        finally:
            lab.stop()
            subprocess.run(["umount", "-l", mnt])


run(main)

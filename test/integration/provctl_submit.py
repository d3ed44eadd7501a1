"""provctl_submit.py - `provctl submit` writes valid jobs into new/ the safe
way and refuses invalid ones without writing anything; `provctl requeue`
moves failed jobs back into new/ with the record of what was sent."""
import os
import re
import shutil
import subprocess
import tempfile

import big_status
from lab import PROVCTL
from spool_view import logical_status
from tap import run

DOC = ('<?xml version="1.0" encoding="UTF-8"?>\n'
       '<wap-provisioningdoc version="1.1">\n'
       '  <characteristic type="BOOTSTRAP">\n'
       '    <parm name="NAME" value="submit test"/>\n'
       '  </characteristic>\n'
       '</wap-provisioningdoc>\n')
NAME_RE = re.compile(r"^\d{8}T\d{6}\.\d{6}\.\d+\.\d{6}\.[A-Za-z0-9-]+$")
SECRETS = ("8642", "97531", "242017531864209", "24201ABC7531864")


def provctl(*args):
    return subprocess.run([PROVCTL] + list(args), capture_output=True,
                          text=True, timeout=30)


def listing(spool, state):
    return sorted(os.listdir(os.path.join(spool, state)))


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def files_in(spool):
    """Every file (not directory) under spool, relative paths."""
    found = []
    for root, _, files in os.walk(spool):
        found += [os.path.relpath(os.path.join(root, f), spool) for f in files]
    return sorted(found)


def fresh_spool(tmp, name):
    spool = os.path.join(tmp, name)
    os.mkdir(spool, 0o750)
    return spool


def check_single(t, tmp, doc):
    spool = fresh_spool(tmp, "single")
    out = provctl("submit", "--spool", spool, "--to", "4790000001",
                  "--sec", "NONE", doc)
    name = out.stdout.strip()
    t.eq(out.returncode, 0, "submit of a NONE job exits 0")
    t.ok(NAME_RE.match(name) is not None, "submit prints the new job's name", out.stdout)
    t.eq(listing(spool, "new"), [name], "the job is in new/ under that name")
    t.eq(listing(spool, "tmp"), [], "nothing is left in tmp/")
    t.eq(read(os.path.join(spool, "new", name)),
         "To: 4790000001\nSec: NONE\n\n" + DOC, "the job file is exactly headers, "
         "empty line, document")
    t.eq(sorted(os.listdir(spool)),
         ["active", "deferred", "done", "failed", "new", "tmp"],
         "the spool has its six state directories")


def check_bulk(t, tmp, doc):
    spool = fresh_spool(tmp, "bulk")
    to_file = write(os.path.join(tmp, "recipients.txt"),
                    "# recipients of the bulk test\n"
                    "4790000002 imsi=242011234567891\n"
                    "\n"
                    "  4790000003 imsi=242011234567892 pin=5678  \r\n")
    out = provctl("submit", "--spool", spool, "--to", "4790000001",
                  "--to-file", to_file, "--sec", "USERNETWPIN", "--pin", "1234",
                  "--imsi", "242011234567890", "--from", "Operator",
                  "--smsc", "lab", "--dlr", "no", "--validity", "1440",
                  "--priority", "2", "--not-before", "2026-11-26T10:00:00Z",
                  "--rate", "2.5", "--send-window", "08:00-21:00 Europe/Oslo",
                  "--id", "bulk 7", doc)
    t.eq(out.returncode, 0, "submit of a bulk job with every option exits 0")
    name = out.stdout.strip()
    t.eq(read(os.path.join(spool, "new", name)) if name in listing(spool, "new") else None,
         "To: 4790000001\n"
         "To: 4790000002 imsi=242011234567891\n"
         "To: 4790000003 imsi=242011234567892 pin=5678\n"
         "Sec: USERNETWPIN\nPin: 1234\nIMSI: 242011234567890\nFrom: Operator\n"
         "SMSC: lab\nDLR: no\nValidity: 1440\nPriority: 2\n"
         "Not-Before: 2026-11-26T10:00:00Z\nRate: 2.5\n"
         "Send-Window: 08:00-21:00 Europe/Oslo\nId: bulk 7\n\n" + DOC,
         "each option is its header; --to-file lines are To: lines, "
         "comments and blanks skipped")
    second = provctl("submit", "--spool", spool, "--to=4790000001",
                     "--sec=NONE", doc)
    t.ok(second.returncode == 0 and second.stdout.strip() != name
         and len(listing(spool, "new")) == 2,
         "--opt=value works and a second job gets a new name")


def rejected(t, tmp, doc, args, want, what, status=1):
    spool = fresh_spool(tmp, "rej%d" % rejected.count)
    rejected.count += 1
    out = provctl("submit", "--spool", spool, *[a.replace("DOC", doc) for a in args])
    leaked = [s for s in SECRETS if s in out.stderr]
    t.ok(out.returncode == status and want in out.stderr and not leaked
         and out.stdout == "",
         "%s: exit %d, '%s'" % (what, status, want),
         "exit %d\n%s" % (out.returncode, out.stderr))
    t.eq(files_in(spool), [], "%s: nothing written" % what)


rejected.count = 0


def check_rejections(t, tmp, doc):
    base = ["--to", "4790000001"]
    rejected(t, tmp, doc, base + ["--sec", "NONE", "--validity", "0", "DOC"],
             "--validity: Validity: must be whole minutes", "Validity 0")
    rejected(t, tmp, doc, base + ["--sec", "PLAIN", "DOC"],
             "--sec: Sec: unknown security mode", "an unknown --sec")
    rejected(t, tmp, doc, base + ["--sec", "USERPIN", "DOC"],
             "recipient 4790000001 has no PIN, which Sec: USERPIN needs",
             "USERPIN without --pin")
    rejected(t, tmp, doc, base + ["--sec", "NETWPIN", "DOC"],
             "recipient 4790000001 has no IMSI, which Sec: NETWPIN needs",
             "NETWPIN without --imsi")
    rejected(t, tmp, doc, base + ["--sec", "NETWPIN", "--imsi", "24201ABC7531864", "DOC"],
             "IMSI must be 6-15 decimal digits; the one given contains other characters",
             "an IMSI with letters (never echoed)")
    rejected(t, tmp, doc, base + ["--sec", "NONE", "--pin", "8642", "DOC"],
             "--pin: Pin: given, but Sec: NONE uses no PIN", "--pin with --sec NONE")
    rejected(t, tmp, doc, ["--to", "12", "--sec", "NONE", "DOC"],
             "--to: To: invalid number", "an invalid --to")
    rejected(t, tmp, doc, base + ["--sec", "NONE", "--not-before", "soon", "DOC"],
             "--not-before: Not-Before: must be a UTC time", "a garbage --not-before")
    rejected(t, tmp, doc, base + ["--sec", "NONE", "--rate", "0", "DOC"],
             "--rate: Rate: must be more than 0", "--rate 0")
    rejected(t, tmp, doc, base + ["--sec", "NONE", "--send-window", "08:00-21:00 Mars/Olympus",
                                  "DOC"],
             "--send-window: Send-Window: unknown time zone 'Mars/Olympus'",
             "a --send-window in an unknown zone")
    rejected(t, tmp, doc, base + ["--sec", "NONE", "--id", "a\nSec: USERPIN", "DOC"],
             "--id: the value contains a control character",
             "a value that would add a header line")
    bad_list = write(os.path.join(tmp, "bad-list.txt"), "4790000002\n4790000003 pin=97531 imsi=1\n")
    rejected(t, tmp, doc, ["--to-file", bad_list, "--sec", "USERPIN", "--pin", "8642", "DOC"],
             "bad-list.txt:2: imsi= given, but Sec: USERPIN uses no IMSI",
             "a bad --to-file line, named by file and line")
    first = write(os.path.join(tmp, "first.txt"), "# wave 1\n4790000002\n\n4790000003\n")
    second = write(os.path.join(tmp, "second.txt"),
                   "4790000004\n# wave 2\n\n4790000005\n4790000006 pin=97531 imsi=1\n")
    rejected(t, tmp, doc, ["--to", "4790000001", "--to-file", first, "--to-file", second,
                           "--sec", "USERPIN", "--pin", "8642", "DOC"],
             "second.txt:5: imsi= given, but Sec: USERPIN uses no IMSI",
             "a bad line in a second --to-file, after comments and blanks")
    rejected(t, tmp, doc, ["--to-file", first, "--sec", "NONE", "--validity", "0", "DOC"],
             "--validity: Validity: must be whole minutes",
             "a bad option after --to-file recipients, named by its option")
    empty_doc = write(os.path.join(tmp, "empty.xml"), "")
    rejected(t, tmp, empty_doc, base + ["--sec", "NONE", "DOC"],
             "empty.xml: nothing after the empty line", "an empty document")
    rejected(t, tmp, doc, base + ["--sec", "NONE", os.path.join(tmp, "missing.xml")],
             "missing.xml: cannot open", "a missing document")


def check_usage(t, tmp, doc):
    spool = fresh_spool(tmp, "usage")
    cases = [
        (["--to", "4790000001", "--sec", "NONE", doc], "--spool DIR is required"),
        (["--spool", spool, "--to", "4790000001", "--sec", "NONE"], "no document given"),
        (["--spool", spool, "--sec", "NONE", doc], "no recipient"),
        (["--spool", spool, "--to", "4790000001", "--sec", "NONE", "--sec", "NONE", doc],
         "--sec given twice"),
        (["--spool", spool, "--to", "4790000001", "--colour", "red", doc],
         "unknown option --colour"),
        (["--spool", spool, "--to", "4790000001", "--sec"], "--sec needs a value"),
    ]
    for args, want in cases:
        out = provctl("submit", *args)
        t.ok(out.returncode == 2 and want in out.stderr,
             "usage error exits 2: %s" % want, out.stderr)
    t.eq(files_in(spool), [], "usage errors write nothing")
    out = provctl("submit", "--spool", os.path.join(tmp, "no-spool"), "--to",
                  "4790000001", "--sec", "NONE", doc)
    t.ok(out.returncode == 1 and "No such file or directory" in out.stderr
         and not os.path.exists(os.path.join(tmp, "no-spool")),
         "a missing spool directory: exit 1 with the cause, nothing created",
         out.stderr)
    out = provctl("submit", "--help")
    t.ok(out.returncode == 0 and "--to-file" in out.stdout, "submit --help")


FAILED_STATUS = (
    "Job: J1\nId: ref\nState: failed\nReason: no route\n"
    "Recipient: 4790000001 delivered parts=2 acked=2 delivered=2\n"
    "Recipient: 4790000002 failed parts=2 acked=0 delivered=0 reason=\"no route\"\n"
    "Recipient: 4790000003 sent parts=2 acked=2 delivered=0\n"
    "Recipient: 4790000004 expired parts=2 acked=2 delivered=0 reason=\"validity\"\n"
    "Entry-Code: 4790000001 12345678\n"
    "Entry-Code: 4790000002 12349999\n")


def check_requeue(t, tmp, doc):
    spool = fresh_spool(tmp, "requeue")
    out = provctl("submit", "--spool", spool, "--to", "4790000001", "--sec", "NONE", doc)
    name = out.stdout.strip()
    os.rename(os.path.join(spool, "new", name), os.path.join(spool, "failed", "J1"))
    write(os.path.join(spool, "failed", "J1.status"), FAILED_STATUS)
    out = provctl("status", "--spool", spool, "--job", "J1")
    t.eq((out.returncode, out.stdout),
         (1, progress("J1", "failed", 2, 1, 2, 4) + "  reason: no route\n"),
         "provctl status --job still reads a 1.x status", out.stderr)

    out = provctl("requeue", "--spool", spool, "J1")
    t.ok(out.returncode == 0 and "J1: back in new/; 2 of 4 recipient(s) to send" in out.stdout,
         "requeue moves the failed job and says how many recipients are left",
         out.stdout + out.stderr)
    t.eq((listing(spool, "failed"), listing(spool, "new")), ([], ["J1", "J1.status"]),
         "the job and its status are in new/, nothing in failed/")
    t.eq(logical_status(read(os.path.join(spool, "new", "J1.status"))),
         "Job: J1\nId: ref\nLayout: slot=256 count=4\nState: new\n"
         "Recipient: 4790000001 delivered parts=2 acked=2 delivered=2\n"
         "Entry-Code: 4790000001 12345678\n"
         "Recipient: 4790000002 queued parts=0 acked=0 delivered=0\n"
         "Recipient: 4790000003 sent parts=2 acked=2 delivered=0\n"
         "Recipient: 4790000004 queued parts=0 acked=0 delivered=0\n",
         "delivered and sent recipients are kept; failed and expired are queued "
         "again (a 1.x status is rewritten in the slotted layout)")

    out = provctl("requeue", "--spool", spool, "J1")
    t.ok(out.returncode == 1 and "job J1 is in new/, not failed/" in out.stderr,
         "requeue of a job in new/ is refused, saying where it is", out.stderr)
    for f in ("J1", "J1.status"):
        os.rename(os.path.join(spool, "new", f), os.path.join(spool, "deferred", f))
    out = provctl("requeue", "--spool", spool, "J1")
    t.ok(out.returncode == 1 and "is in deferred/, not failed/: provbox retries it" in out.stderr,
         "requeue of a deferred job is refused", out.stderr)
    out = provctl("requeue", "--spool", spool, "J7")
    t.ok(out.returncode == 1 and "no job J7 in " + spool in out.stderr,
         "requeue of an unknown job: exit 1, 'no job'", out.stderr)

    for f in ("J1", "J1.status"):
        os.rename(os.path.join(spool, "deferred", f), os.path.join(spool, "failed", f))
    out = provctl("requeue", "--spool", spool, "--all", "J1")
    t.ok(out.returncode == 0 and listing(spool, "new") == ["J1"]
         and listing(spool, "failed") == [],
         "requeue --all moves the job and drops its status", out.stdout + out.stderr)

    os.rename(os.path.join(spool, "new", "J1"), os.path.join(spool, "failed", "J1"))
    write(os.path.join(spool, "failed", "J1.status"), "garbage\n")
    out = provctl("requeue", "--spool", spool, "J1")
    t.ok(out.returncode == 1 and "its status file is unreadable" in out.stderr
         and listing(spool, "failed") == ["J1", "J1.status"],
         "an unreadable status: refused, the job stays in failed/", out.stderr)
    for args, want in ((["--spool", spool], "which job?"),
                       (["J1"], "--spool DIR is required"),
                       (["--spool", spool, "a", "b"], "one job at a time")):
        out = provctl("requeue", *args)
        t.ok(out.returncode == 2 and want in out.stderr,
             "requeue usage error exits 2: %s" % want, out.stderr)
    out = provctl("requeue", "--spool", spool, "../J1")
    t.ok(out.returncode == 1 and "is not a job name" in out.stderr,
         "requeue refuses a name with '/'", out.stderr)


BIG = 100000


def progress(name, state, sent, delivered, failed, total):
    """provctl status --job's progress line."""
    done = (sent + failed) * 40 // total
    return "%s  %-8s [%s] %d/%d sent, %d delivered, %d failed\n" % (
        name, state, "#" * done + "." * (40 - done), sent, total, delivered, failed)


def big_counts():
    counts = {s: 0 for s in big_status.STATES}
    for i in range(BIG):
        counts[big_status.state_of(i)] += 1
    return counts


def requeued_file(name):
    """The status file requeue must leave, byte for byte."""
    out = [big_status.head(name, BIG, state="new", reason=None)]
    for i in range(BIG):
        msisdn = "47%08d" % i
        state = big_status.state_of(i)
        out.append(big_status.slot(msisdn, state) if state in ("sent", "delivered")
                   else big_status.requeued_slot(msisdn))
    return b"".join(out)


def check_big_status(t, tmp, doc):
    """provctl status and requeue on a slotted status of 100,000
    recipients, written by test/lib/big_status.py from doc/job-format.md."""
    spool = fresh_spool(tmp, "big")
    out = provctl("submit", "--spool", spool, "--to", "4790000001", "--sec", "NONE", doc)
    os.rename(os.path.join(spool, "new", out.stdout.strip()), os.path.join(spool, "failed", "BIG"))
    path = os.path.join(spool, "failed", "BIG.status")
    big_status.write(path, "BIG", BIG)
    c, before = big_counts(), os.stat(path)
    sent, failed = c["sent"] + c["delivered"], c["failed"] + c["expired"] + c["undelivered"]
    out = provctl("status", "--spool", spool, "--job", "BIG")
    t.eq((out.returncode, out.stdout),
         (1, progress("BIG", "failed", sent, c["delivered"], failed, BIG)
          + "  reason: stopped by the operator\n"),
         "provctl status --job counts a 100,000-recipient slotted status", out.stderr)
    out = provctl("requeue", "--spool", spool, "BIG")
    t.ok(out.returncode == 0 and "BIG: back in new/; %d of %d recipient(s) to send"
         % (BIG - sent, BIG) in out.stdout, "provctl requeue of it says how many to send",
         out.stdout + out.stderr)
    after = os.stat(os.path.join(spool, "new", "BIG.status"))
    t.eq((after.st_ino, after.st_size), (before.st_ino, before.st_size),
         "requeue changed the status in place: same inode, same size, now in new/")
    t.ok(read_bytes(os.path.join(spool, "new", "BIG.status")) == requeued_file("BIG"),
         "byte for byte: sent and delivered slots kept, the others queued with "
         "nothing else, State: new without Reason")
    out = provctl("status", "--spool", spool, "--job", "BIG")
    t.eq((out.returncode, out.stdout), (0, progress("BIG", "new", sent, c["delivered"], 0, BIG)),
         "provctl status --job after the requeue", out.stderr)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def main(t):
    tmp = tempfile.mkdtemp(prefix="provctl_submit.")
    try:
        doc = write(os.path.join(tmp, "doc.xml"), DOC)
        check_single(t, tmp, doc)
        check_bulk(t, tmp, doc)
        check_rejections(t, tmp, doc)
        check_usage(t, tmp, doc)
        check_requeue(t, tmp, doc)
        check_big_status(t, tmp, doc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


run(main)

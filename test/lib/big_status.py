"""big_status.py - writes a synthetic status file in the slotted layout of
doc/job-format.md section 3 (a header padded to 512 bytes, a 512-byte
state sector, one 128- or 256-byte slot per recipient, every line from
State: on ending in ` ~` and the FNV-1a 32-bit hash of the bytes before
it), for tests and measurements of readers of big statuses. It follows
the document, not provbox's code.

    python3 big_status.py PATH JOB COUNT [STATE]

writes COUNT recipients whose states cycle through STATES."""
import sys

SECTOR = 512
STATES = ("delivered", "sent", "failed", "queued", "expired", "undelivered")


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def checked(content, width=0):
    """content, blanks up to width - 11 bytes, ' ~' + check, LF."""
    body = content.encode().ljust(width - 11 if width else 0, b" ")
    return body + b" ~%08x\n" % fnv1a(body)


def pad(used, to):
    """A '#' pad line taking the bytes from `used` up to `to`."""
    return b"#" + b" " * (to - used - 2) + b"\n"


def recipient_line(msisdn, state, reason=None):
    parts, acked, delivered, undelivered = 2, 2, 0, 0
    if state == "delivered":
        delivered = 2
    elif state == "undelivered":
        delivered, undelivered = 1, 1
    elif state in ("queued", "failed"):
        acked = 0
    line = "Recipient: %s %s parts=%d acked=%d delivered=%d" % (
        msisdn, state, parts, acked, delivered)
    if undelivered:
        line += " undelivered=%d" % undelivered
    if reason is None and state in ("failed", "expired"):
        reason = "no route" if state == "failed" else "validity"
    if reason is not None:
        line += ' reason="%s"' % reason
    return line


def slot(msisdn, state, size=128, code=None, line=None):
    line = line or recipient_line(msisdn, state)
    if code is None:
        return checked(line, size)
    first = checked(line)
    return first + checked("Entry-Code: %s %s" % (msisdn, code), size - len(first))


def requeued_slot(msisdn, size=128):
    """The slot requeue leaves for a recipient to send again."""
    return checked("Recipient: %s queued parts=0 acked=0 delivered=0" % msisdn, size)


def head(job, count, size=128, state="failed", reason="stopped by the operator"):
    header = ("Job: %s\nLayout: slot=%d count=%d\n" % (job, size, count)).encode()
    at = (len(header) + 2 + SECTOR - 1) // SECTOR * SECTOR
    out = header + pad(len(header), at)
    sector = checked("State: " + state)
    if reason is not None:
        sector += checked("Reason: " + reason)
    return out + sector + pad(len(sector), SECTOR)


def state_of(i):
    return STATES[i % len(STATES)]


def write(path, job, count, size=128, state="failed", codes=False):
    """The status file of `count` recipients 4700000000 + i, in state_of(i);
    with codes, 256-byte slots carrying an entry code."""
    with open(path, "wb") as f:
        f.write(head(job, count, 256 if codes else size, state))
        for i in range(count):
            f.write(slot("47%08d" % i, state_of(i), 256 if codes else size,
                         "1234%04d" % (i % 10000) if codes else None))


if __name__ == "__main__":
    write(sys.argv[1], sys.argv[2], int(sys.argv[3]),
          state=sys.argv[4] if len(sys.argv) > 4 else "failed")

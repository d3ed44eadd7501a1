"""admin_limits.py - the admin port against abusive clients, and the sendota
intake refusing what the daemon would reject (issue 25, items 4 to 6).

  * max-job-size: a sendota request whose job file would be over it gets a
    4xx naming max-job-size, and nothing lands in the spool (before, 202
    "Sent." and then failed/).
  * 500 connections that never send a request do not keep status, admin
    commands or the intake from answering promptly; a client sending a
    byte a second is cut off after admin-request-timeout; over the limits
    a newcomer gets 503, and the warning is not repeated per connection.
  * A 500 MB POST without credentials is refused before its body is read,
    one with credentials gets 413 unread, and provbox's peak RSS (VmHWM)
    stays small; oversize header lines get 431.
  * Keep-alive, HEAD and HTTP basic authentication work.
"""
import base64
import os
import socket
import threading
import time

from sendota_lab import PROVBOX_USER, SendotaLab, spool_jobs
from tap import run

ADMIN_PW = "admin-secret"
MAX_JOB_SIZE = 8192
TIMEOUT = 2
PER_IP = 8
LIMITS = dict(max_job_size=MAX_JOB_SIZE, admin_request_timeout=TIMEOUT,
              admin_max_clients=64, admin_max_clients_per_ip=PER_IP)
HWM_LIMIT_KB = 64 * 1024


def oma_document(size):
    """A valid OMA document of exactly size bytes: a comment pads it, and
    the compiler drops comments, so it stays within max-segments."""
    head = '<?xml version="1.0"?>\n<wap-provisioningdoc version="1.0"><!-- '
    tail = (' --><characteristic type="BOOTSTRAP"><parm name="NAME" value="Big"/>'
            '</characteristic></wap-provisioningdoc>')
    return (head + "x" * (size - len(head) - len(tail)) + tail).encode()


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def read_answer(sock, timeout=5):
    """-> (status or None, the bytes read) of one answer on sock."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    try:
        return int(data.split(b" ", 2)[1]), data
    except (IndexError, ValueError):
        return None, data


def request(port, text, timeout=5):
    """One raw request; -> (status, seconds taken)."""
    start = time.time()
    try:
        with connect(port) as s:
            s.sendall(text.encode() if isinstance(text, str) else text)
            status, _ = read_answer(s, timeout)
    except OSError:
        status = None
    return status, time.time() - start


def get(path):
    return "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path


def vm_hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


# ---- item 4: max-job-size -------------------------------------------------

def job_size(t, lab):
    doc = oma_document(MAX_JOB_SIZE - 20)
    got, answer = lab.provbox({}, doc, {"Content-Type": "text/vnd.wap.connectivity-xml",
                                        "X-Kannel-To": "4790000001", "X-Kannel-SEC": "none"})
    t.ok(got is not None and 400 <= got < 500 and "max-job-size" in (answer or ""),
         "POST: a job file over max-job-size is refused with a 4xx naming max-job-size",
         "got %s %r" % (got, answer))
    got, answer = lab.provbox({"to": "4790000001", "sec": "none",
                               "text": doc.decode()})
    t.ok(got is not None and 400 <= got < 500 and "max-job-size" in (answer or ""),
         "GET: a job file over max-job-size is refused with a 4xx naming max-job-size",
         "got %s %r" % (got, answer))
    time.sleep(2.5)     # the loader rescans every second: a queued job would be in failed/
    t.eq(spool_jobs(lab.spool_dir), [], "nothing was queued: new/ and failed/ stay empty")
    got, answer = lab.provbox({"to": "4790000002", "sec": "none",
                               "text": oma_document(2000).decode()})
    t.eq(got, 202, "a document well within max-job-size is still accepted", answer)


# ---- item 5: idle connections, slow clients -------------------------------

def served_promptly(t, lab, what):
    port = lab.intake_port
    for name, text in (("status", get("/status.txt?password=%s" % ADMIN_PW)),
                       ("an admin command", get("/resume.txt?password=%s" % ADMIN_PW))):
        status, took = request(port, text)
        t.ok(status == 200 and took < 3, "%s: %s answered promptly" % (what, name),
             "status %s after %.1f s" % (status, took))
    start = time.time()
    got, answer = lab.provbox({"to": "4790000003", "sec": "none",
                               "text": oma_document(500).decode()})
    took = time.time() - start
    t.ok(got == 202 and took < 3, "%s: the sendota intake answered promptly" % what,
         "status %s after %.1f s: %r" % (got, took, answer))


def idle_flood(t, lab):
    idle = []
    try:
        for _ in range(500):
            try:
                idle.append(connect(lab.intake_port))
            except OSError:
                break
        t.diag("%d idle connections opened" % len(idle))
        time.sleep(1.5)
        served_promptly(t, lab, "500 idle connections")
    finally:
        for s in idle:
            s.close()
    warnings = lab.provbox_log("provbox-lab").count("connection(s) over a limit")
    t.ok(1 <= warnings <= 2, "the over-limit warning is logged, not once per connection",
         "%d warnings" % warnings)


def slow_client(t, lab):
    s = connect(lab.intake_port)
    start, cut = time.time(), None
    try:
        s.sendall(b"G")
        for byte in b"ET /status.txt?password=" + ADMIN_PW.encode() + b" HTTP/1.1\r\n\r\n":
            time.sleep(1)
            s.sendall(bytes([byte]))
    except OSError:
        cut = time.time() - start
    if cut is None:
        cut = time.time() - start if read_answer(s, 1)[0] == 408 else None
    s.close()
    t.ok(cut is not None and cut < TIMEOUT + 3,
         "a client sending a byte a second is cut off after admin-request-timeout (%d s)"
         % TIMEOUT, "cut after %s s" % cut)


def busy_answer(t, lab):
    """PER_IP admitted uploads in progress hold every slot of 127.0.0.1:
    the next connection from there gets 503 at once."""
    head = ("POST /cgi-bin/sendota HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
            "X-Kannel-Username: %s\r\nX-Kannel-Password: %s\r\nContent-Length: 4000\r\n\r\n"
            % PROVBOX_USER)
    uploads = []
    try:
        for _ in range(PER_IP):
            s = connect(lab.intake_port)
            s.sendall(head.encode() + b"<")
            uploads.append(s)
        time.sleep(0.3)
        status, took = request(lab.intake_port, get("/status.txt?password=%s" % ADMIN_PW))
        t.ok(status == 503 and took < 1, "over admin-max-clients-per-ip: 503 at once",
             "status %s after %.1f s" % (status, took))
    finally:
        for s in uploads:
            s.close()
    time.sleep(0.2)     # for the closes to reach provbox before the next test


# ---- item 6: bodies and heads --------------------------------------------

def huge_post(port, headers, seconds=8):
    """Declare 500 MB and stream for up to `seconds` (provbox cuts it short);
    -> the answer's status."""
    s = connect(port)
    head = ("POST /cgi-bin/sendota HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
            "%sContent-Length: %d\r\n\r\n" % (headers, 500 * 1024 * 1024))
    s.sendall(head.encode())
    stop = time.time() + seconds
    chunk = b"x" * 65536

    def stream():
        try:
            while time.time() < stop:
                s.sendall(chunk)
        except OSError:
            pass
    sender = threading.Thread(target=stream)
    sender.start()
    status, _ = read_answer(s, seconds + 2)
    sender.join()
    s.close()
    return status


def big_bodies(t, lab):
    pid = lab.provbox_proc.pid
    t.diag("VmHWM before: %s kB" % vm_hwm_kb(pid))
    status = huge_post(lab.intake_port, "")
    t.ok(status in (401, 403, 413), "500 MB POST without credentials: refused (%s)" % status)
    auth = "X-Kannel-Username: %s\r\nX-Kannel-Password: %s\r\n" % PROVBOX_USER
    status = huge_post(lab.intake_port, auth)
    t.eq(status, 413, "500 MB POST with credentials: 413")
    status = huge_post(lab.intake_port, "X-Kannel-Username: %s\r\nX-Kannel-Password: x\r\n"
                       % PROVBOX_USER[0])
    t.ok(status in (401, 403, 413), "500 MB POST with a wrong password: refused (%s)" % status)
    hwm = vm_hwm_kb(pid)
    t.diag("VmHWM after: %s kB" % hwm)
    t.ok(hwm is not None and hwm < HWM_LIMIT_KB,
         "provbox's peak RSS stays under %d MB" % (HWM_LIMIT_KB // 1024), "VmHWM %s kB" % hwm)
    status, _ = request(lab.intake_port, "GET /status.txt?password=%s HTTP/1.1\r\nHost: x\r\n"
                        "X-Pad: %s\r\n\r\n" % (ADMIN_PW, "a" * 65536))
    t.ok(status in (400, 431), "64 KB of header lines: refused (%s)" % status)
    t.ok(lab.provbox_proc.poll() is None, "provbox is still running")


# ---- features kept --------------------------------------------------------

def keep_alive_head_basic_auth(t, lab):
    with connect(lab.intake_port) as s:
        one = "GET /status.txt?password=%s HTTP/1.1\r\nHost: x\r\n\r\n" % ADMIN_PW
        s.sendall((one + one).encode())     # pipelined
        s.settimeout(5)
        data = b""
        try:
            while data.count(b"HTTP/1.1 200") < 2:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    t.eq(data.count(b"HTTP/1.1 200"), 2, "keep-alive: two requests on one connection answered")
    status, data = None, b""
    with connect(lab.intake_port) as s:
        s.sendall(("HEAD /status.txt?password=%s HTTP/1.0\r\n\r\n" % ADMIN_PW).encode())
        status, data = read_answer(s)
        rest = s.recv(65536)
    t.ok(status == 200 and data.endswith(b"\r\n\r\n") and rest == b"",
         "HEAD: the headers alone", data + rest)
    token = base64.b64encode(("admin:%s" % ADMIN_PW).encode()).decode()
    status, _ = request(lab.intake_port, "GET /status.txt HTTP/1.1\r\nHost: x\r\n"
                        "Authorization: Basic %s\r\nConnection: close\r\n\r\n" % token)
    t.eq(status, 200, "HTTP basic authentication with the admin password")
    status, _ = request(lab.intake_port, get("/status.txt"))
    t.eq(status, 403, "no password: still 403")


def main(t):
    with SendotaLab(with_smsbox=False) as lab:
        lab.start_all(**LIMITS)
        job_size(t, lab)
        keep_alive_head_basic_auth(t, lab)
        big_bodies(t, lab)
        idle_flood(t, lab)
        slow_client(t, lab)
        busy_answer(t, lab)
        served_promptly(t, lab, "afterwards")


if __name__ == "__main__":
    run(main)

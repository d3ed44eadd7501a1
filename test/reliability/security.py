"""security.py - the box link over SSL, dropping privileges, the spool
checks, and no secret in anything provbox writes or shows.

  * SSL: bearerbox with smsbox-port-ssl and a self-signed certificate made
    by the test; provbox connects with bearerbox-port-ssl (explicitly, and
    by default from the included kannel.conf), bearerbox's status page
    shows the box "using SSL" / <ssl>yes</ssl>, and jobs go out.
  * -u USER (as root): the admin port is a privileged port (< 1024), so
    provbox must open it before it drops root; afterwards every uid and gid
    of the process is USER's and root cannot be regained; a missing user,
    a spool the user cannot write and `-u` without a name are refused.
  * Spool: a world-writable spool, a world-writable state directory and a
    spool that is a symlink are refused at start, naming the cause.
  * Secrets: PINs, IMSIs and the entry code appear in no log (provbox's,
    its console, its access log, bearerbox's), no status page and no
    status file except on the Entry-Code: line.
"""
import os
import pwd
import socket
import subprocess
import urllib.request

from lab import Lab, PROVBOX, free_port, wait_for
from spool_view import Spool, logical_status
from tap import run

ADMIN_PW = "sec-admin"
DOC = (b'<wap-provisioningdoc><characteristic type="NAPDEF">'
       b'<parm name="NAME" value="security"/></characteristic></wap-provisioningdoc>')
# distinctive values: finding one of them anywhere is a leak
PINS = ["80476153", "91827364", "70615243"]
IMSIS = ["310150123456789", "310150987654321"]
USER = "nobody"


def box_status(lab):
    xml = lab.http_get("/status.xml?password=%s" % lab.admin_password) or ""
    txt = lab.http_get("/status.txt?password=%s" % lab.admin_password) or ""
    return xml, txt


def send_and_wait(t, spool, label, names_to):
    for name, receiver in names_to:
        spool.drop(name, [("To", receiver), ("Sec", "USERPIN"), ("Pin", PINS[0])], DOC)
    wait_for(lambda: all(spool.state_of(n) == "done" for n, _ in names_to), timeout=60,
             what="%s: jobs done" % label)
    t.ok(True, "%s: jobs go out" % label)


def check_ssl(t):
    with Lab(ssl=True) as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        for n, extra in enumerate(({"include_kannel": False, "bearerbox_port_ssl": "true"},
                                   {"include_kannel": True})):
            pid = "pb-ssl-%d" % n
            how = "bearerbox-port-ssl = true" if n == 0 else "smsbox-port-ssl from kannel.conf"
            proc = lab.start_provbox(lab.provbox_conf(provbox_id=pid, spool_dir=spool.path, **extra),
                                     log_name="%s.out" % pid)
            wait_for(lambda: pid in lab.box_ids() or proc.poll() is not None, timeout=30,
                     what="provbox over SSL identified")
            xml, txt = box_status(lab)
            box = xml.split("<id>%s</id>" % pid)[-1].split("</box>")[0] if pid in xml else ""
            t.ok("<ssl>yes</ssl>" in box, "SSL (%s): bearerbox's status.xml shows <ssl>yes</ssl>" % how, xml)
            line = [l for l in txt.splitlines() if pid in l]
            t.ok(line and "using SSL" in line[0], "SSL (%s): status.txt says using SSL" % how, txt)
            send_and_wait(t, spool, "SSL (%s)" % how, [("ssl-%d" % n, "479900000%d" % n)])
            lab.kill(proc)
        plain = lab.start_provbox(lab.provbox_conf(provbox_id="pb-plain", spool_dir=spool.path,
                                                   include_kannel=False),
                                  log_name="pb-plain.out")
        try:
            wait_for(lambda: "pb-plain" in lab.box_ids(), timeout=6, what="plain box")
            joined = True
        except TimeoutError:
            joined = False
        t.ok(not joined and plain.poll() is None,
             "without SSL provbox does not get in, and keeps trying")


def privileged_port():
    for port in range(900, 1000):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port below 1024")


def ids_of(pid):
    with open("/proc/%d/status" % pid) as f:
        fields = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
    return (fields["Uid"].split(), fields["Gid"].split(), fields["Groups"].split())


def give_spool(lab, path, pw):
    os.chmod(lab.dir, 0o711)
    os.makedirs(path, mode=0o770, exist_ok=True)
    os.chown(path, pw.pw_uid, pw.pw_gid)


def run_refused(lab, conf, *args):
    r = subprocess.run([PROVBOX, "-v", "4"] + list(args) + [conf], capture_output=True,
                       text=True, timeout=30, cwd=lab.dir)
    log = ""
    path = os.path.join(lab.dir, "%s.log" % os.path.basename(conf)[len("provbox-"):-len(".conf")])
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            log = f.read()
    return r.returncode, r.stdout + r.stderr + log


def check_user(t):
    if os.geteuid() != 0:
        t.ok(True, "# SKIP -u needs root")
        return
    pw = pwd.getpwnam(USER)
    with Lab() as lab:
        lab.start()
        spool_dir = os.path.join(lab.dir, "spool-u")
        give_spool(lab, spool_dir, pw)
        port = privileged_port()
        conf = lab.provbox_conf(provbox_id="pb-user", spool_dir=spool_dir, admin_port=port,
                                admin_password=ADMIN_PW)
        proc = lab.start_provbox(conf, "-u", USER)
        wait_for(lambda: "pb-user" in lab.box_ids() or proc.poll() is not None, what="-u box")
        uids, gids, groups = ids_of(proc.pid)
        t.eq(uids, [str(pw.pw_uid)] * 4, "-u %s: real, effective, saved and fs uid are %s's" % (USER, USER))
        t.eq(gids, [str(pw.pw_gid)] * 4, "-u %s: every gid is %s's group" % (USER, USER))
        t.ok("0" not in groups, "-u %s: no supplementary root group" % USER, groups)
        url = "http://127.0.0.1:%d/status.txt?password=%s" % (port, ADMIN_PW)
        with urllib.request.urlopen(url, timeout=5) as r:
            t.eq(r.status, 200, "-u: the admin port %d (< 1024) was opened before the switch" % port)
        send_and_wait(t, Spool(spool_dir), "-u %s" % USER, [("user-0", "4799000100")])
        owner = os.stat(os.path.join(spool_dir, "done", "user-0.status")).st_uid
        t.eq(owner, pw.pw_uid, "-u: files provbox writes belong to %s" % USER)
        lab.kill(proc)

        code, out = run_refused(lab, conf, "-u", "no-such-user-pb")
        t.ok(code != 0 and "no such user" in out, "-u with an unknown user: refused, says so", out)
        r = subprocess.run([PROVBOX, "-u"], capture_output=True, text=True, timeout=30)
        t.ok(r.returncode == 2 and "needs a user name" in r.stderr,
             "-u without a name: usage error", r.stderr)
        root_spool = os.path.join(lab.dir, "spool-root")
        conf = lab.provbox_conf(provbox_id="pb-rootspool", spool_dir=root_spool)
        code, out = run_refused(lab, conf, "-u", USER)
        t.ok(code != 0 and "cannot work in" in out and "chown" in out,
             "-u with a spool the user cannot write: refused, naming it", out)


def check_spool_refusals(t):
    with Lab() as lab:
        lab.write_bearerbox_conf()
        cases = []
        ww = os.path.join(lab.dir, "ww-spool")
        os.makedirs(ww)
        os.chmod(ww, 0o777)
        cases.append(("world-writable spool", ww, "world-writable"))
        ww_state = os.path.join(lab.dir, "ww-state")
        os.makedirs(os.path.join(ww_state, "new"))
        os.chmod(os.path.join(ww_state, "new"), 0o777)
        cases.append(("world-writable new/", ww_state, "world-writable"))
        real = os.path.join(lab.dir, "real-spool")
        os.makedirs(real)
        link = os.path.join(lab.dir, "link-spool")
        os.symlink(real, link)
        cases.append(("spool that is a symlink", link, "symlink"))
        for n, (label, path, want) in enumerate(cases):
            conf = lab.provbox_conf(provbox_id="pb-refuse-%d" % n, spool_dir=path)
            code, out = run_refused(lab, conf)
            t.ok(code != 0 and want in out, "%s: provbox refuses to start, saying %s" % (label, want), out)


def all_texts(lab, spool, port):
    texts = {}
    for ext in ("txt", "xml", "html", "json"):
        texts["status.%s" % ext] = lab.http_get("/status.%s?password=%s" % (ext, ADMIN_PW), port=port) or ""
    for n in os.listdir(lab.dir):
        p = os.path.join(lab.dir, n)
        if os.path.isfile(p) and (n.endswith(".log") or n.endswith(".out")):
            with open(p, errors="replace") as f:
                texts[n] = f.read()
    for state in ("done", "failed"):
        for n in os.listdir(os.path.join(spool.path, state)):
            if n.endswith(".status"):
                # checks (" ~" and 8 hex digits) dropped: their digits are not secrets
                with open(os.path.join(spool.path, state, n), errors="surrogateescape") as f:
                    texts["%s/%s" % (state, n)] = "".join(
                        l + "\n" for l in logical_status(f.read()).splitlines()
                        if not l.startswith("Entry-Code: "))
    return texts


def check_secrets(t):
    with Lab(log_level=0) as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        port = free_port()
        conf = lab.provbox_conf(provbox_id="pb-secrets", spool_dir=spool.path, admin_port=port,
                                admin_password=ADMIN_PW, log_level=0,
                                access_log=os.path.join(lab.dir, "pb-access.log"))
        lab.start_provbox(conf)
        wait_for(lambda: "pb-secrets" in lab.box_ids(), what="provbox identified")
        jobs = {
            "sec-userpin": [("To", "4799000201"), ("Sec", "USERPIN"), ("Pin", PINS[0])],
            "sec-netwpin": [("To", "4799000202"), ("Sec", "NETWPIN"), ("IMSI", IMSIS[0])],
            "sec-both": [("To", "4799000203"), ("Sec", "USERNETWPIN"), ("Pin", PINS[1]),
                         ("IMSI", IMSIS[1])],
            "sec-mac": [("To", "4799000204"), ("Sec", "USERPINMAC"), ("Pin", PINS[2])],
            "sec-bad": [("To", "4799000205"), ("Sec", "USERPIN"), ("Pin", PINS[0]),
                        ("IMSI", IMSIS[0])],
        }
        for name, headers in jobs.items():
            spool.drop(name, headers, DOC)
        wait_for(lambda: all(spool.state_of(n) in ("done", "failed") for n in jobs), timeout=60,
                 what="secret jobs finished")
        codes = [l.split()[-1] for l in (spool.status("sec-mac") or "").splitlines()
                 if l.startswith("Entry-Code: ")]
        t.eq(len(codes), 1, "the USERPINMAC job's status carries its entry code")
        texts = all_texts(lab, spool, port)
        leaks = {where: [s for s in PINS + IMSIS + codes if s in text]
                 for where, text in texts.items()}
        leaks = {w: s for w, s in leaks.items() if s}
        t.diag("searched %d logs, status pages and status files" % len(texts))
        t.eq(leaks, {}, "no PIN, IMSI or entry code anywhere but the Entry-Code: line")


def main(t):
    check_ssl(t)
    check_user(t)
    check_spool_refusals(t)
    check_secrets(t)


run(main)

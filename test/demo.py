"""demo.py - the README's demo: provbox doing its job on a local lab.

Starts a throw-away bearerbox with a fake SMSC on 127.0.0.1, starts
provbox, submits three provisioning jobs (a Windows Mobile trust bootstrap
signed USERPIN for two phones, an APN for two phones signed NETWPIN with
each phone's own IMSI, e-mail settings signed USERPINMAC), waits for the
delivery reports, then shows the status files and what the SMSC received,
decoded by `provctl inspect`. Stops everything it started.
"""
import os
import subprocess
import sys
import time

from lab import Lab, PROVCTL, SRCDIR, wait_for
from spool_view import logical_status

EXAMPLES = os.path.join(SRCDIR, "doc", "examples")


def say(text=""):
    print(text)
    sys.stdout.flush()


def submit(spool, doc, *args):
    out = subprocess.run([PROVCTL, "submit", "--spool", spool] + list(args)
                         + [os.path.join(EXAMPLES, doc)],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def drop(spool, name, text):
    tmp = os.path.join(spool, "tmp", name)
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(spool, "new", name))
    return name


def find_status(spool, name):
    for state in ("done", "failed", "active", "deferred"):
        path = os.path.join(spool, state, name + ".status")
        if os.path.exists(path):
            with open(path, errors="surrogateescape") as f:
                return state, logical_status(f.read())
    return None, ""


def main():
    with Lab() as lab:
        say("== Starting a lab bearerbox (admin port %d) and fakesmsc ==" % lab.admin_port)
        lab.start()
        spool = os.path.join(lab.dir, "spool")
        conf = lab.provbox_conf(spool_dir=spool, provbox_id="provbox-demo")
        say("== Starting provbox: %s ==" % conf)
        with open(conf) as f:
            say(f.read())
        lab.start_provbox(conf)
        wait_for(lambda: "provbox-demo" in lab.box_ids(), what="provbox identified")
        say("bearerbox lists the box: %s" % [l.strip() for l in lab.status_text().splitlines()
                                              if "provbox-demo" in l][0])
        wait_for(lambda: os.path.isdir(os.path.join(spool, "new")), what="spool")

        say("\n== Submitting jobs ==")
        jobs = []
        jobs.append(submit(spool, "wm-trust-bootstrap.xml", "--to", "4790000001",
                           "--to", "4790000002", "--sec", "USERPIN", "--pin", "1234",
                           "--id", "wm-bootstrap-demo"))
        say("provctl submit wm-trust-bootstrap.xml (USERPIN, 2 phones) -> %s" % jobs[-1])
        with open(os.path.join(EXAMPLES, "apn-internet.xml")) as f:
            apn = f.read()
        jobs.append(drop(spool, "apn-netwpin-demo",
                         "To: 4790000003 imsi=242011234567890\n"
                         "To: 4790000004 imsi=24201123456789\n"
                         "Sec: NETWPIN\nId: apn-demo\n\n" + apn))
        say("job file dropped through tmp/ -> new/: apn-internet.xml (NETWPIN, each phone's IMSI) -> %s" % jobs[-1])
        jobs.append(submit(spool, "email-imap.xml", "--to", "4790000005",
                           "--sec", "USERPINMAC", "--pin", "4321", "--id", "mail-demo"))
        say("provctl submit email-imap.xml (USERPINMAC) -> %s" % jobs[-1])

        say("\n== Waiting for delivery reports ==")
        wait_for(lambda: all(find_status(spool, j)[0] == "done"
                             and " queued" not in find_status(spool, j)[1]
                             and " sent " not in find_status(spool, j)[1] for j in jobs),
                 timeout=60, what="jobs delivered")
        for job in jobs:
            state, text = find_status(spool, job)
            say("\n-- %s/%s.status (as sed -e '/^#/d' -e 's/ *~[0-9a-f]\\{8\\}$//' shows it) --"
                % (state, job))
            say(text.rstrip())

        say("\n== What the SMSC received, decoded by provctl inspect ==")
        lines = lab.received_lines()
        entry_code = [l.split()[2] for l in find_status(spool, jobs[2])[1].splitlines()
                      if l.startswith("Entry-Code: 4790000005 ")][0]
        for receiver, creds in (("4790000001", ["--pin", "1234"]),
                                ("4790000003", ["--imsi", "242011234567890"]),
                                ("4790000005", ["--pin", entry_code])):
            mine = "\n".join(l for l in lines if l.split(" ")[1] == receiver) + "\n"
            say("\n-- to %s: provctl inspect %s --" % (receiver, " ".join(creds)))
            if receiver == "4790000005":
                say("(USERPINMAC: the user types the entry code from the status file)")
            out = subprocess.run([PROVCTL, "inspect"] + creds + ["-"], input=mine,
                                 capture_output=True, text=True)
            say((out.stdout + out.stderr).rstrip())
        say("\n== Done: stopping provbox, bearerbox and fakesmsc ==")


main()

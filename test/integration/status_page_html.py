"""status_page_html.py - provbox's HTML status page in a real browser.

A lab run with the jobs an operator watches: two finished campaigns, a
paced one (Rate: 2) caught mid-way, one deferred by its Not-Before: and
one refused for its document, one whose third recipient's value makes
its message longer than max-segments, plus a job whose name and Id hold markup.
Headless Chromium (Debian's `chromium`) renders /status.html: its DOM
(--dump-dom) is checked for the job rows, their progress bars, rates,
times left and reasons, the header tiles and the rates table; its
screenshot (1280x1400) is saved next to this test's log as
test/integration/status_page_html.png. The page itself must load nothing
from elsewhere, and hold no PIN or IMSI.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import urllib.request
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

from lab import Lab, SRCDIR, BUILDDIR, free_port, wait_for
from spool_view import Spool
from tap import run

PASSWORD = "watch&see"              # needs percent-encoding in the page's links
PIN, IMSI = "73914052", "242019876543210"
PACED_RATE = 2
PACED_COUNT = 120
ODD_NAME = 'promo <b>&"q"'
LONG_LOGIN = "mailbox-of-a-very-patient-user-" * 30     # over max-segments = 6
SCREENSHOT = os.path.join(BUILDDIR, "test", "integration", "status_page_html.png")
APN = open(os.path.join(SRCDIR, "doc", "examples", "apn-internet.xml"), "rb").read()
MMS = open(os.path.join(SRCDIR, "doc", "examples", "mms.xml"), "rb").read()
MAIL = open(os.path.join(SRCDIR, "doc", "examples", "email-imap.xml"), "rb").read()


def to(prefix, count):
    return [("To", "%s%04d" % (prefix, i)) for i in range(count)]


def submit_jobs(spool):
    not_before = (datetime.now(timezone.utc) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    spool.drop("apn-wave-1", [("Id", "crm-1041"), ("Sec", "USERPIN"), ("Pin", PIN)]
               + to("4791000", 6), APN)
    spool.drop("mms-fix", [("Id", "crm-1042"), ("Sec", "NETWPIN")]
               + [("To", "4792000%03d imsi=%s" % (i, IMSI)) for i in range(3)], MMS)
    spool.drop("email-campaign", [("Id", "crm-1043"), ("Sec", "USERPINMAC"), ("Pin", PIN),
                                  ("Rate", str(PACED_RATE))] + to("4793000", PACED_COUNT), MAIL)
    spool.drop("apn-wave-2", [("Id", "crm-1044"), ("Sec", "USERPIN"), ("Pin", PIN),
                              ("Not-Before", not_before)] + to("4794000", 40), APN)
    logins = ["anna", "bo", LONG_LOGIN, "cai", "dora", "emil"]
    spool.drop("mail-logins", [("Id", "crm-1045"), ("Sec", "USERPIN"), ("Pin", PIN)]
               + [("To", "4797000%03d var.LOGIN=%s" % (i, v)) for i, v in enumerate(logins)],
               MAIL.replace(b'value="user@example.com"', b'value="{{LOGIN}}"'))
    spool.drop("broken-doc", [("Sec", "USERPIN"), ("Pin", PIN)] + to("4795000", 2),
               b"<wap-provisioningdoc><characteristic")
    spool.drop(ODD_NAME, [("Id", "<i>x</i>"), ("Sec", "USERPIN"), ("Pin", PIN)]
               + to("4796000", 1), APN)


def status(port, ext, query=""):
    url = "http://127.0.0.1:%d/status.%s?password=%s%s" % (
        port, ext, urllib.request.quote(PASSWORD, safe=""), query)
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode("utf-8")


def jobs_of(port):
    return {j["name"]: j for j in json.loads(status(port, "json"))["jobs"]}


def settled(port):
    """The paced job mid-way with a rate, the others where they belong."""
    jobs = jobs_of(port)
    paced = jobs.get("email-campaign", {})
    return (jobs.get("apn-wave-1", {}).get("delivered") == 6
            and jobs.get("mms-fix", {}).get("delivered") == 3
            and jobs.get(ODD_NAME, {}).get("state") == "done"
            and jobs.get("apn-wave-2", {}).get("state") == "deferred"
            and jobs.get("broken-doc", {}).get("state") == "failed"
            and jobs.get("mail-logins", {}).get("delivered") == 5
            and paced.get("state") == "active" and paced.get("rate", -1) > 0
            and paced.get("delivered", 0) + paced.get("sent", 0) >= 12
            and paced.get("pending", 0) >= 40)


class Dom(HTMLParser):
    """The parts of the rendered DOM the checks look at."""

    def __init__(self):
        super().__init__()
        self.rows = []          # job rows: dicts
        self.row = None
        self.cell = None        # class of the open td
        self.tiles = {}         # label -> (class, value)
        self.tile = None
        self.rate_rows = 0
        self.in_rates = False
        self.tags = []
        self.failures = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        self.tags.append(tag)
        if tag == "tr" and "job" in cls:
            self.row = {"state": a.get("data-state"), "text": {}, "segments": [], "tags": []}
            self.rows.append(self.row)
        elif tag == "tr" and "failure" in cls:
            self.failures += 1
        elif tag == "td" and self.row is not None:
            self.cell = cls[-1] if cls else "td"
            self.row["text"].setdefault(self.cell, "")
        elif tag == "span" and self.row is not None and self.cell == "progress":
            self.row["segments"].append((cls[0] if cls else "", a.get("style", "")))
        elif self.row is not None and self.cell in ("name", "id"):
            self.row["tags"].append(tag)
        if tag == "div" and "tile" in cls:
            self.tile = [" ".join(cls), "", ""]
        if tag == "table" and "rates" in cls:
            self.in_rates = True
        if tag == "tr" and self.in_rates:
            self.rate_rows += 1

    def handle_endtag(self, tag):
        if tag == "tr":
            self.row = None
            self.cell = None
        elif tag == "td":
            self.cell = None
        elif tag == "div" and self.tile is not None:
            self.tiles[self.tile[1]] = (self.tile[0], self.tile[2])
            self.tile = None
        elif tag == "table":
            self.in_rates = False

    def handle_data(self, data):
        if self.row is not None and self.cell is not None:
            self.row["text"][self.cell] += data
        if self.tile is not None:
            self.tile[1 if self.tags[-1] == "small" and not self.tile[1] else 2] += data


def chromium(lab, *args):
    """Run headless Chromium to its end (its own session, killed on timeout)."""
    profile = os.path.join(lab.dir, "chromium-profile")
    argv = [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
            "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile] + list(args)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
    return out.decode("utf-8", "replace")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def rows_by_name(dom):
    return {r["text"].get("name", ""): r for r in dom.rows}


def check_jobs(t, dom):
    rows = rows_by_name(dom)
    paced = rows.get("email-campaign")
    t.ok(paced is not None and paced["state"] == "active"
         and {c for c, _ in paced["segments"]} >= {"d"}
         and all(re.match(r"width:\s*[0-9.]+%", s) for _, s in paced["segments"]),
         "the paced job's row: active, a bar with a delivered part", paced)
    legend = re.search(r"(\d+) delivered.*?(\d+) sent.*?(\d+) pending",
                       paced["text"].get("progress", "") if paced else "")
    t.ok(legend is not None and int(legend.group(1)) + int(legend.group(2)) >= 12
         and int(legend.group(3)) > 0 and paced["text"].get("recipients") == str(PACED_COUNT),
         "mid-way: part of its %d recipients delivered or sent, the rest pending" % PACED_COUNT,
         paced and paced["text"])
    t.ok(paced is not None and re.fullmatch(r"[0-9.]+/s", paced["text"].get("rate", ""))
         and re.fullmatch(r"(\d+ min )?\d+ s", paced["text"].get("eta", "")),
         "its rate (recipients/s) and the time left at that rate",
         paced and (paced["text"].get("rate"), paced["text"].get("eta")))
    deferred = rows.get("apn-wave-2")
    t.ok(deferred is not None and deferred["state"] == "deferred"
         and "Not-Before" in deferred["text"].get("reason", "")
         and deferred["text"].get("recipients") == "40",
         "the deferred job's row: 40 recipients and the reason (Not-Before)", deferred)
    failed = rows.get("broken-doc")
    t.ok(failed is not None and failed["state"] == "failed"
         and len(failed["text"].get("reason", "")) > 10,
         "the refused job's row: failed, with its reason", failed)
    mixed = rows.get("mail-logins")
    t.ok(mixed is not None and mixed["state"] == "done"
         and [c for c, _ in mixed["segments"]] == ["d", "f"]
         and "5 delivered" in mixed["text"].get("progress", "")
         and "1 failed" in mixed["text"].get("progress", ""),
         "a job with a recipient over max-segments: done, its bar delivered and failed", mixed)
    done = [rows.get(n) for n in ("apn-wave-1", "mms-fix")]
    t.ok(all(r is not None and r["state"] == "done" and [c for c, _ in r["segments"]] == ["d"]
             for r in done), "the finished jobs' rows: done, every recipient delivered", done)
    odd = rows.get(ODD_NAME)
    t.ok(odd is not None and odd["tags"] == [] and odd["text"].get("id") == "<i>x</i>",
         "a name and an Id holding markup are shown as text, not markup", odd)


def check_page(t, dom, html):
    tiles = dom.tiles
    t.ok(tiles.get("bearerbox", ("", ""))[1] == "connected"
         and "ok" in tiles.get("bearerbox", ("", ""))[0],
         "header: the bearerbox link, connected", tiles)
    t.ok(re.fullmatch(r"((\d+ d )?(\d+ h )?\d+ min)|(\d+ min )?\d+ s", tiles.get("uptime", ("", ""))[1])
         is not None, "header: uptime in days/h/min", tiles.get("uptime"))
    t.ok(tiles.get("failed", ("", ""))[1] == "1" and "bad" in tiles["failed"][0]
         and tiles.get("deferred", ("", ""))[1] == "1" and tiles.get("active", ("", ""))[1] == "1",
         "header: the spool counts, the failed job highlighted", tiles)
    t.eq(dom.rate_rows, 9, "the rates: a header and one row per counter (8), not 40 rows")
    t.ok(dom.failures == 2 and "whole job" in html and "max-segments" in html,
         "the last failures: the refused job as a whole, the recipient over max-segments",
         dom.failures)
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|<script|<link|url\(""", html)
    t.ok(not external, "self-contained: no script, stylesheet, image or URL from elsewhere",
         external)
    t.ok('href="?refresh=5&amp;password=watch%26see"' in html,
         "the auto-refresh link keeps the password, percent-encoded and escaped")
    t.ok(PIN not in html and IMSI not in html and LONG_LOGIN[:40] not in html,
         "no PIN, IMSI or per-recipient value on the page")


def main(t):
    if shutil.which("chromium") is None:
        t.ok(False, "Debian's chromium is installed (test/deps.sh installs it)")
        return
    with Lab() as lab:
        lab.start()
        port = free_port()
        conf = lab.provbox_conf(provbox_id="provbox-watch", admin_port=port,
                                admin_password="adm-watch", status_password=PASSWORD,
                                max_segments=6)
        lab.start_provbox(conf)
        spool = Spool(os.path.join(lab.dir, "spool"))
        wait_for(lambda: lab.http_get("/status.txt?password=watch%26see", port=port),
                 what="admin port")
        submit_jobs(spool)
        wait_for(lambda: settled(port), timeout=60, what="the jobs where the page shows them")
        url = "http://127.0.0.1:%d/status.html?password=watch%%26see" % port
        html = status(port, "html")
        dom_text = chromium(lab, "--dump-dom", url)
        dom = Dom()
        dom.feed(dom_text)
        t.ok("<title>provbox provbox-watch status</title>" in dom_text,
             "Chromium rendered the page (its DOM dumped)")
        check_jobs(t, dom)
        check_page(t, dom, html)
        if os.path.exists(SCREENSHOT):
            os.remove(SCREENSHOT)
        chromium(lab, "--window-size=1280,1400", "--screenshot=" + SCREENSHOT, url)
        t.eq(png_size(SCREENSHOT) if os.path.exists(SCREENSHOT) else None, (1280, 1400),
             "a 1280x1400 screenshot saved as %s" % os.path.relpath(SCREENSHOT, BUILDDIR))


run(main)

"""sendota_compare.py - the same requests at Kannel 1.4.5's smsbox
/cgi-bin/sendota and at provbox's intake, and what each put on the wire.

Where sendota is right (legacy settings/bookmarks/SyncSettings, OMA with
the PROV DOCTYPE and USERPIN), provbox's document decodes to the same tree
and its MAC verifies. Where sendota is wrong (NETWPIN/USERNETWPIN keyed
with the raw pin, no DOCTYPE -> the old OTA tables, Windows Mobile
elements -> invalid LITERALs, blanks collapsed inside values, a header
MAC under USERPINMAC), provbox's decodes to the document sent and its MAC
verifies with the documented key.
"""
import os

import wire
from sendota_lab import SendotaLab, decode, tree
from tap import run

SRCDIR = os.environ.get("PROVBOX_SRCDIR", os.getcwd())
DOCTYPE = ('<!DOCTYPE wap-provisioningdoc PUBLIC "-//WAPFORUM//DTD PROV 1.0//EN" '
           '"http://www.wapforum.org/DTD/prov.dtd">\n')
OMA_BODY = ('<wap-provisioningdoc version="1.0">\n'
            '<characteristic type="NAPDEF">\n'
            '<parm name="NAPID" value="INTERNET"/>\n'
            '<parm name="BEARER" value="GSM-GPRS"/>\n'
            '<parm name="NAME" value="%s"/>\n'
            '<parm name="NAP-ADDRESS" value="internet.example"/>\n'
            '<parm name="NAP-ADDRTYPE" value="APN"/>\n'
            '</characteristic>\n'
            '</wap-provisioningdoc>\n')
OMA = '<?xml version="1.0"?>\n' + DOCTYPE + OMA_BODY % "Operator"
OMA_NO_DOCTYPE = '<?xml version="1.0"?>\n' + OMA_BODY % "Operator"
OMA_SPACES = '<?xml version="1.0"?>\n' + DOCTYPE + OMA_BODY % "MY    ISP"
SETTINGS = ('<CHARACTERISTIC-LIST>'
            '<CHARACTERISTIC TYPE="ADDRESS">'
            '<PARM NAME="BEARER" VALUE="GPRS"/>'
            '<PARM NAME="PROXY" VALUE="10.11.12.13"/>'
            '<PARM NAME="PORT" VALUE="9201"/>'
            '<PARM NAME="GPRS_ACCESSPOINTNAME" VALUE="wap.example"/>'
            '<PARM NAME="PPP_AUTHTYPE" VALUE="PAP"/>'
            '</CHARACTERISTIC>'
            '<CHARACTERISTIC TYPE="URL" VALUE="http://wap.example/"/>'
            '<CHARACTERISTIC TYPE="NAME"><PARM NAME="NAME" VALUE="Example WAP"/>'
            '</CHARACTERISTIC>'
            '</CHARACTERISTIC-LIST>')
BOOKMARKS = ('<CHARACTERISTIC-LIST>'
             '<CHARACTERISTIC TYPE="BOOKMARK">'
             '<PARM NAME="NAME" VALUE="Kannel"/>'
             '<PARM NAME="URL" VALUE="http://www.kannel.org/"/>'
             '</CHARACTERISTIC>'
             '</CHARACTERISTIC-LIST>')
# Whitespace after each container's start tag: sendota's SyncSettings
# compiler reads a container's first child as text and crashes without it.
SYNC = ('<SyncSettings>\n<Version>1.0</Version>\n<HostAddr>http://sync.example/</HostAddr>'
        '<Port>80</Port><RemoteDB>\n<CTType>text/x-vcard</CTType><CTVer>2.1</CTVer>'
        '<URI>contacts</URI><Name>Contacts</Name></RemoteDB><Name>Example Sync</Name>'
        '<Auth>\n<AuthScheme>1</AuthScheme><Username>user</Username><Cred>cGFzcw==</Cred>'
        '</Auth></SyncSettings>')
IMSI = "262011234567890"
PIN = "1234"


def wm_document():
    with open(os.path.join(SRCDIR, "test/corpus/wm_registry_query.xml"), encoding="utf-8") as f:
        return f.read()


class Pair:
    """One request sent to both; k and p are the parsed pushes."""
    number = 0

    def __init__(self, lab, t, what, params, body=None, headers=None, provbox_params=None):
        Pair.number += 1
        self.what = what
        kto, pto = "4711%04d" % Pair.number, "4722%04d" % Pair.number
        ks, self.kannel_answer = lab.kannel(dict(params, to=kto), body,
                                            headers and dict(headers, **{"X-Kannel-To": kto}))
        pparams = dict(provbox_params if provbox_params is not None else params, to=pto)
        ps, self.answer = lab.provbox(pparams, body, headers and dict(headers, **{"X-Kannel-To": pto}))
        t.ok(ks == 202 and ps == 202, "%s: both accept the request" % what,
             "kannel %s, provbox %s %s" % (ks, ps, self.answer))
        self.k = lab.wait_push(kto)
        self.p = lab.wait_push(pto)


def check_legacy_same(t, pair, content_type, ports, lang="OTA", want=None):
    k, p = pair.k, pair.p
    t.eq((p["content_type"], p["ports"], p["charset"]), (content_type, ports, 106),
         "%s: provbox's content type, ports and charset" % pair.what)
    t.eq((k["content_type"], k["ports"]), (p["content_type"], p["ports"]),
         "%s: the same content type and ports as sendota" % pair.what)
    t.eq(p["sec"], None, "%s: unsigned, like sendota" % pair.what)
    if lang is None:
        t.eq(p["body"].hex(), k["body"].hex(), "%s: byte-identical WBXML" % pair.what)
        return
    t.ok(decode(p["body"], lang) is not None and decode(p["body"], lang) == want,
         "%s: provbox's WBXML decodes (wbxml2xml -l %s) to the document" % (pair.what, lang))
    t.eq(decode(p["body"], lang), decode(k["body"], lang),
         "%s: the same tree as sendota's" % pair.what)


def check_oma(t, pair, sec, doc, pin=None, imsi=None):
    p = pair.p
    t.eq(p["content_type"], "application/vnd.wap.connectivity-wbxml",
         "%s: provbox sends OMA CP" % pair.what)
    t.eq(decode(p["body"]), tree(doc), "%s: provbox's WBXML decodes to the document" % pair.what)
    t.eq((p["sec"], p["mac"]), (sec, wire.mac_hex(sec, p["body"], pin=pin, imsi=imsi)),
         "%s: provbox's MAC verifies with the documented %s key" % (pair.what, sec))


def right_cases(t, lab):
    pair = Pair(lab, t, "bookmarks", {"type": "bookmarks", "text": BOOKMARKS})
    check_legacy_same(t, pair, "application/x-wap-prov.browser-bookmarks", (49999, 49154),
                      want=tree(BOOKMARKS))
    pair = Pair(lab, t, "settings", {"type": "settings", "text": SETTINGS})
    check_legacy_same(t, pair, "application/x-wap-prov.browser-settings", (49999, 49154),
                      want=tree(SETTINGS))
    pair = Pair(lab, t, "settings POST", {}, SETTINGS.encode(),
                {"Content-Type": "application/x-wap-prov.browser-settings"})
    check_legacy_same(t, pair, "application/x-wap-prov.browser-settings", (49999, 49154),
                      want=tree(SETTINGS))
    pair = Pair(lab, t, "syncsettings", {"type": "syncsettings", "text": SYNC})
    check_legacy_same(t, pair, "application/vnd.nokia.syncset+wbxml", (49996, 49154), lang=None)

    pair = Pair(lab, t, "oma USERPIN", {"type": "oma-settings", "sec": "userpin", "pin": PIN,
                                        "text": OMA})
    check_oma(t, pair, "USERPIN", OMA, pin=PIN)
    t.eq(decode(pair.k["body"]), decode(pair.p["body"]), "oma USERPIN: the same tree as sendota's")
    t.eq(pair.k["mac"], wire.mac_hex("USERPIN", pair.k["body"], pin=PIN),
         "oma USERPIN: sendota's MAC is right too")
    pair = Pair(lab, t, "oma USERPIN POST", {}, OMA.encode(),
                {"Content-Type": "text/vnd.wap.connectivity-xml", "X-Kannel-SEC": "USERPIN",
                 "X-Kannel-PIN": PIN})
    check_oma(t, pair, "USERPIN", OMA, pin=PIN)
    t.eq(decode(pair.k["body"]), decode(pair.p["body"]),
         "oma USERPIN POST: the same tree as sendota's")


def wrong_cases(t, lab):
    pair = Pair(lab, t, "NETWPIN", {"type": "oma-settings", "sec": "netwpin", "pin": IMSI,
                                    "text": OMA})
    check_oma(t, pair, "NETWPIN", OMA, imsi=IMSI)
    t.ok(pair.k["mac"] != wire.mac_hex("NETWPIN", pair.k["body"], imsi=IMSI)
         and pair.k["mac"] == wire.mac_hex("USERPIN", pair.k["body"], pin=IMSI),
         "NETWPIN: sendota keys the HMAC with the IMSI's ASCII digits (wrong)")

    pair = Pair(lab, t, "USERNETWPIN", {"type": "oma-settings", "sec": "usernetwpin",
                                        "pin": PIN, "text": OMA},
                provbox_params={"type": "oma-settings", "sec": "usernetwpin", "pin": PIN,
                                "imsi": IMSI, "text": OMA})
    check_oma(t, pair, "USERNETWPIN", OMA, pin=PIN, imsi=IMSI)
    t.ok(pair.k["mac"] != wire.mac_hex("USERNETWPIN", pair.k["body"], pin=PIN, imsi=IMSI),
         "USERNETWPIN: sendota's MAC does not verify (it has no way to take the IMSI)")

    pair = Pair(lab, t, "no DOCTYPE", {"type": "oma-settings", "sec": "userpin", "pin": PIN,
                                       "text": OMA_NO_DOCTYPE})
    check_oma(t, pair, "USERPIN", OMA_NO_DOCTYPE, pin=PIN)
    t.ok(pair.k["body"][:2] == b"\x01\x01" and decode(pair.k["body"]) != tree(OMA_NO_DOCTYPE),
         "no DOCTYPE: sendota sends the old OTA tokens (01 01 ...) as OMA CP (wrong)",
         pair.k["body"][:8].hex())

    doc = wm_document()
    pair = Pair(lab, t, "Windows Mobile elements", {"type": "oma-settings", "sec": "userpin",
                                                    "pin": PIN, "text": doc})
    check_oma(t, pair, "USERPIN", doc, pin=PIN)
    t.ok(decode(pair.k["body"]) != tree(doc),
         "Windows Mobile elements: sendota's WBXML does not decode to the document (wrong)")

    pair = Pair(lab, t, "blanks in a value", {"type": "oma-settings", "sec": "userpin",
                                              "pin": PIN, "text": OMA_SPACES})
    check_oma(t, pair, "USERPIN", OMA_SPACES, pin=PIN)
    t.ok(decode(pair.k["body"]) != tree(OMA_SPACES),
         "blanks in a value: sendota collapses 'MY    ISP' (wrong)")

    pin = "12345678"
    pair = Pair(lab, t, "USERPINMAC", {"type": "oma-settings", "sec": "userpinmac", "pin": pin,
                                       "text": OMA})
    p = pair.p
    t.eq((p["sec"], p["mac"]), ("USERPINMAC", None),
         "USERPINMAC: provbox sends SEC without a MAC to brute-force")
    code = [l.split()[-1] for l in pair.answer.splitlines() if l.startswith("Entry-Code:")]
    t.eq(code, [wire.entry_code(pin, p["body"])],
         "USERPINMAC: provbox's answer gives the entry code the phone computes")
    t.eq(decode(p["body"]), tree(OMA), "USERPINMAC: provbox's WBXML decodes to the document")
    t.ok(pair.k["mac"] is not None and "Entry-Code" not in pair.kannel_answer,
         "USERPINMAC: sendota sends HMAC(PIN) in the header and no entry code (wrong)")


def main(t):
    with SendotaLab() as lab:
        lab.start_all()
        right_cases(t, lab)
        wrong_cases(t, lab)


run(main)

"""encode_corpus.py - provctl compile / inspect over the whole corpus in every
security mode, checked with tools that share no code with provbox:

  * the WSP header is split off and rebuilt here byte for byte, with the MAC
    computed by Python's hmac from a key derived here (IMSI semi-octets
    written as a nibble stream, independently of signer.c);
  * libwbxml's wbxml2xml decodes the body to the same element tree
    (tags, attributes, order) as the input document;
  * USERPINMAC entry codes are recomputed here;
  * compile --format sms | inspect says "MAC verified" and gives the
    document back; real Kannel captures (bearerbox access log, fakesmsc)
    are inspected too;
  * tshark dissects one full push per mode (text2pcap -u 9200,2948);
  * bad documents fail with exit 1 and "FILE:LINE: cause".
"""
import glob
import hashlib
import hmac
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from lab import PROVCTL, SRCDIR
from tap import run

CORPUS = sorted(glob.glob(os.path.join(SRCDIR, "test", "corpus", "*.xml")))
BAD = os.path.join(SRCDIR, "test", "corpus-bad")
VECTORS = os.path.join(SRCDIR, "test", "vectors")
APPENDIX_C = os.path.join(VECTORS, "spec_appendixC.xml")

# Credentials per mode: an odd and an even IMSI, PINs of 4 and 5 digits.
MODES = {
    "NETWPIN": {"imsi": "262011234567890"},
    "USERPIN": {"pin": "80472"},
    "USERNETWPIN": {"imsi": "23415012345678", "pin": "1234"},
    "USERPINMAC": {"pin": "61953"},
    "NONE": {},
}
SEC_CODE = {"NETWPIN": 0, "USERPIN": 1, "USERNETWPIN": 2, "USERPINMAC": 3}

# (file, line, words the cause must contain)
BAD_DOCUMENTS = [
    ("parm_outside_characteristic.xml", 4, "parm outside a characteristic"),
    ("unclosed_tag.xml", 6, "mismatch"),
    ("wrong_root.xml", 3, "wap-provisioningdoc"),
    ("parm_without_name.xml", 6, "without name"),
    ("empty.xml", 1, "empty"),
]


# -- independent implementations --------------------------------------------

def imsi_key(imsi):
    """EF_IMSI without the length byte: the parity nibble (9 odd, 1 even),
    then the digits, two per octet low nibble first, F-padded."""
    nibbles = [9 if len(imsi) % 2 else 1] + [int(d) for d in imsi]
    if len(nibbles) % 2:
        nibbles.append(0xF)
    return bytes(lo | hi << 4 for lo, hi in zip(nibbles[0::2], nibbles[1::2]))


def key_for(mode, creds):
    if mode == "NETWPIN":
        return imsi_key(creds["imsi"])
    if mode == "USERNETWPIN":
        return imsi_key(creds["imsi"]) + creds["pin"].encode()
    return creds["pin"].encode()


def mac_of(mode, creds, body):
    return hmac.new(key_for(mode, creds), body, hashlib.sha1).hexdigest().upper()


def entry_code(pin, body):
    mac = hmac.new(pin.encode(), body, hashlib.sha1).digest()
    return pin + "".join(str(mac[i] % 10) for i in range(len(pin)))


def expected_headers(mode, creds, body):
    """Content-Type as facts 2 describe it, built here."""
    if mode == "NONE":
        return b"\xb6"
    if mode == "USERPINMAC":
        return b"\x03\xb6\x91\x83"
    value = (b"\xb6\x91" + bytes([0x80 | SEC_CODE[mode]]) + b"\x92"
             + mac_of(mode, creds, body).encode() + b"\x00")
    return b"\x1f" + bytes([len(value)]) + value


def split_pdu(pdu):
    """(tid, pdu type, headers, body) of a WSP push; uintvar header length."""
    length, pos = 0, 2
    while True:
        octet = pdu[pos]
        pos += 1
        length = length << 7 | (octet & 0x7F)
        if not octet & 0x80:
            break
    return pdu[0], pdu[1], pdu[pos:pos + length], pdu[pos + length:]


def element_tree(xml_bytes):
    """(tag, [attributes in order], [children]) ignoring whitespace."""
    def walk(e):
        return (e.tag, list(e.attrib.items()), [walk(c) for c in e])
    return walk(ET.fromstring(xml_bytes))


# -- running things ----------------------------------------------------------

def provctl(*args, stdin=None):
    return subprocess.run([PROVCTL] + list(args), input=stdin,
                          capture_output=True, timeout=60)


def cred_args(creds):
    args = []
    if "pin" in creds:
        args += ["--pin", creds["pin"]]
    if "imsi" in creds:
        args += ["--imsi", creds["imsi"]]
    return args


def compile_pdu(doc, mode, *extra):
    out = provctl("compile", "--sec", mode, *(cred_args(MODES[mode]) + list(extra)), doc)
    return out


def inspect_args(mode, body):
    creds = MODES[mode]
    if mode == "USERPINMAC":
        return ["--pin", entry_code(creds["pin"], body)]
    return cred_args(creds)


def document_part(text):
    """The XML after inspect's "document (N octets of WBXML):" line."""
    marker = re.search(r"^document \(\d+ octets of WBXML\):\n", text, re.M)
    return text[marker.end():].encode() if marker else b""


def tool(name):
    return shutil.which(name)


def skip(t, what, reason):
    t.ok(True, "%s # SKIP %s" % (what, reason))


# -- checks --------------------------------------------------------------------

def check_compile(t, doc, mode, tmp):
    """bin: header rebuilt here with our MAC; body decoded by wbxml2xml."""
    name = "%s %s" % (os.path.basename(doc), mode)
    out = compile_pdu(doc, mode, "--format", "bin", "--max-segments", "255")
    if not t.ok(out.returncode == 0, "compile %s" % name, out.stderr.decode()):
        return None
    tid, pdu_type, headers, body = split_pdu(out.stdout)
    t.ok(tid == 1 and pdu_type == 6
         and headers == expected_headers(mode, MODES[mode], body),
         "%s: WSP header equals the one built here (MAC from Python hmac)" % name,
         "got %s" % headers.hex())
    if tool("wbxml2xml"):
        wbxml = os.path.join(tmp, "body.wbxml")
        decoded = os.path.join(tmp, "body.xml")
        with open(wbxml, "wb") as f:
            f.write(body)
        conv = subprocess.run(["wbxml2xml", "-o", decoded, wbxml],
                              capture_output=True, timeout=30)
        with open(doc, "rb") as f:
            want = element_tree(f.read())
        got = None
        if conv.returncode == 0:
            with open(decoded, "rb") as f:
                got = element_tree(f.read())
        t.ok(got == want, "%s: wbxml2xml gives back the same element tree" % name,
             conv.stderr.decode() + "\n" + str(got)[:400])
    else:
        skip(t, "%s: wbxml2xml" % name, "wbxml2xml not installed")
    return body


def check_sms_inspect(t, doc, mode, body):
    """compile --format sms | inspect with the user's credentials."""
    name = "%s %s" % (os.path.basename(doc), mode)
    sms = compile_pdu(doc, mode, "--format", "sms", "--ref", "42",
                      "--max-segments", "255")
    lines = sms.stdout.decode().split()
    t.ok(sms.returncode == 0 and all(len(bytes.fromhex(udh)) + len(bytes.fromhex(data)) <= 140
                                     for udh, data in zip(lines[0::2], lines[1::2])),
         "%s: sms segments fit in 140 octets" % name)
    out = provctl("inspect", *inspect_args(mode, body), stdin=sms.stdout)
    text = out.stdout.decode()
    verified = "MAC verified" in text.splitlines() or mode == "NONE"
    with open(doc, "rb") as f:
        want = element_tree(f.read())
    try:
        got = element_tree(document_part(text))
    except ET.ParseError as e:
        got = "unparsable: %s" % e
    t.ok(out.returncode == 0 and verified and got == want,
         "%s: inspect of the sms lines says MAC verified and gives the document back" % name,
         text[-1500:] + out.stderr.decode())


def check_explain(t, doc, mode, body):
    """explain masks secrets; USERPINMAC shows the check digits computed here."""
    name = "%s %s" % (os.path.basename(doc), mode)
    creds = MODES[mode]
    out = provctl("compile", "--sec", mode, *cred_args(creds), "--format",
                  "explain", doc)
    text = out.stdout.decode()
    security = re.search(r"^security: .*?^push PDU:", text, re.M | re.S)
    secrets = [creds[k] for k in ("pin", "imsi") if k in creds]
    t.ok(out.returncode == 0 and security is not None
         and not any(s in security.group(0) for s in secrets),
         "%s: explain's security section shows no PIN or IMSI" % name,
         security.group(0) if security else text[-800:])
    if "imsi" in creds:
        short = len(creds["imsi"]) < 15
        t.eq("warning: the IMSI has %d digits" % len(creds["imsi"]) in text, short,
             "%s: explain warns of a %d-digit IMSI: %s" % (name, len(creds["imsi"]), short))
    if mode == "USERPINMAC":
        code = entry_code(creds["pin"], body)
        masked = "*" * len(creds["pin"]) + code[len(creds["pin"]):]
        t.ok("entry code: %s " % masked in text,
             "%s: explain shows entry code %s (recomputed here)" % (name, masked))
        shown = provctl("compile", "--sec", mode, *cred_args(creds), "--format",
                        "explain", "--show-secrets", doc).stdout.decode()
        t.ok("entry code: %s " % code in shown,
             "%s: --show-secrets shows the whole entry code" % name)
    elif mode != "NONE":
        t.ok("MAC: %s " % mac_of(mode, creds, body) in text,
             "%s: explain shows the MAC computed here" % name)


def check_corpus(t, tmp):
    t.ok(len(CORPUS) >= 15, "corpus has at least 15 documents (%d)" % len(CORPUS))
    for doc in CORPUS:
        for mode in MODES:
            body = check_compile(t, doc, mode, tmp)
            if body is None:
                continue
            check_sms_inspect(t, doc, mode, body)
            check_explain(t, doc, mode, body)


def check_userpinmac_mismatch(t):
    pin = MODES["USERPINMAC"]["pin"]
    pdu = compile_pdu(APPENDIX_C, "USERPINMAC", "--format", "hex").stdout
    body = split_pdu(bytes.fromhex(pdu.decode().strip()))[3]
    code = entry_code(pin, body)
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    out = provctl("inspect", "--pin", wrong, stdin=pdu)
    text = out.stdout.decode()
    t.ok(out.returncode == 1 and "MAC MISMATCH (computed entry code %s%s)"
         % ("*" * len(pin), code[len(pin):]) in text,
         "USERPINMAC: a wrong check digit is a MAC MISMATCH naming the right one", text)
    out = provctl("inspect", "--pin", pin, stdin=pdu)
    t.ok(out.returncode == 1 and "entry code the user types" in out.stdout.decode(),
         "USERPINMAC: --pin must be the whole entry code; the PIN alone is refused")


def check_wrong_credentials(t):
    hexpdu = compile_pdu(APPENDIX_C, "NETWPIN", "--format", "hex").stdout
    out = provctl("inspect", "--imsi", "262011234567891", stdin=hexpdu)
    text = out.stdout.decode()
    body = split_pdu(bytes.fromhex(hexpdu.decode().strip()))[3]
    wrong = mac_of("NETWPIN", {"imsi": "262011234567891"}, body)
    t.ok(out.returncode == 1 and "MAC MISMATCH (computed %s)" % wrong in text,
         "wrong IMSI: MAC MISMATCH with the MAC computed for it", text)
    unsigned = compile_pdu(APPENDIX_C, "NONE", "--format", "hex").stdout
    out = provctl("inspect", "--pin", "1234", stdin=unsigned)
    t.ok(out.returncode == 1, "credentials for an unsigned push: exit 1")
    out = provctl("inspect", "--sec", "USERPIN", stdin=hexpdu)
    t.ok(out.returncode == 1 and "SEC MISMATCH" in out.stdout.decode(),
         "--sec USERPIN on a NETWPIN push: SEC MISMATCH")


def check_kannel_captures(t):
    """Real output of Kannel 1.4.5 sending compile --format sms through
    smsbox sendsms to fakesmsc: bearerbox's access log and fakesmsc's log."""
    with open(APPENDIX_C, "rb") as f:
        want = element_tree(f.read())
    for name in ("kannel_access_log.txt", "kannel_fakesmsc_log.txt"):
        out = provctl("inspect", "--imsi", "262011234567890",
                      os.path.join(VECTORS, name))
        text = out.stdout.decode()
        t.ok(out.returncode == 0 and "MAC verified" in text.splitlines()
             and "to 4790000001: 5 segments" in text
             and element_tree(document_part(text)) == want,
             "inspect %s: 5 segments reassembled, MAC verified, Appendix C back" % name,
             text[:1500])


def pcap_of(pdu, tmp):
    dump = os.path.join(tmp, "push.txt")
    pcap = os.path.join(tmp, "push.pcap")
    with open(dump, "w") as f:
        for off in range(0, len(pdu), 16):
            f.write("%06x %s\n" % (off, " ".join("%02x" % b for b in pdu[off:off + 16])))
    subprocess.run(["text2pcap", "-q", "-u", "9200,2948", dump, pcap],
                   check=True, capture_output=True, timeout=30)
    return pcap


def check_tshark(t, tmp):
    if not (tool("tshark") and tool("text2pcap")):
        skip(t, "tshark dissection", "tshark/text2pcap not installed")
        return
    doc = next((d for d in CORPUS if d.endswith("large_portal.xml")), APPENDIX_C)
    for mode, creds in MODES.items():
        pdu = compile_pdu(doc, mode, "--format", "bin", "--max-segments", "255").stdout
        body = split_pdu(pdu)[3]
        out = subprocess.run(["tshark", "-r", pcap_of(pdu, tmp), "-V"],
                             capture_output=True, text=True, timeout=60)
        want = "Content-Type: application/vnd.wap.connectivity-wbxml"
        if mode == "NONE":
            line_ok = re.search(re.escape(want) + r"\s*$", out.stdout, re.M)
        elif mode == "USERPINMAC":
            line_ok = re.search(re.escape(want + "; SEC=USERPINMAC") + r"\s*$",
                                out.stdout, re.M)
        else:
            line_ok = (want + "; SEC=%s; MAC=%s" % (mode, mac_of(mode, creds, body))
                       in out.stdout)
        t.ok(out.returncode == 0 and line_ok and "Malformed" not in out.stdout
             and "WAP Binary XML, Version: 1.3" in out.stdout,
             "tshark: %s push of %s (%d octets) is connectivity-wbxml with the "
             "right SEC and MAC" % (mode, os.path.basename(doc), len(pdu)),
             out.stdout[:3000] + out.stderr)


def check_bad_documents(t):
    for name, line, cause in BAD_DOCUMENTS:
        path = os.path.join(BAD, name)
        out = provctl("compile", "--sec", "USERPIN", "--pin", "1234", path)
        err = out.stderr.decode()
        t.ok(out.returncode == 1 and err.startswith("%s:%d: " % (path, line))
             and cause.lower() in err.lower() and not out.stdout,
             "bad document %s: exit 1, '%s:%d: ...%s...'" % (name, name, line, cause),
             err)


def check_usage_errors(t):
    cases = [
        (["compile", APPENDIX_C], "--sec is required"),
        (["compile", "--sec", "NETWPIN", "--imsi", "26201A234567890", APPENDIX_C],
         "IMSI must be 6-15 decimal digits"),
        (["compile", "--sec", "NETWPIN", "--imsi", "262011234567890", "--pin",
          "1234", APPENDIX_C], "--pin is not used by --sec NETWPIN"),
        (["compile", "--sec", "USERPIN", "--pin", "123", APPENDIX_C],
         "PIN must be 4-16 decimal digits"),
        (["compile", "--sec", "NONE", "--max-segments", "256", APPENDIX_C],
         "--max-segments 256"),
        (["compile", "--sec", "NONE", "--format", "pdf", APPENDIX_C], "--format pdf"),
        (["inspect", "--bogus"], "unknown option --bogus"),
    ]
    for args, words in cases:
        out = provctl(*args)
        err = out.stderr.decode()
        t.ok(out.returncode == 2 and words in err
             and "26201A234567890" not in err,
             "usage error exits 2: %s" % words, err)
    out = provctl("compile", "--sec", "NONE", APPENDIX_C)
    t.ok(out.returncode == 0 and "warning" in out.stderr.decode()
         and "unsigned" in out.stderr.decode(), "--sec NONE warns on stderr")
    big = next((d for d in CORPUS if d.endswith("large_portal.xml")), APPENDIX_C)
    out = provctl("compile", "--sec", "NONE", "--max-segments", "1", big)
    t.ok(out.returncode == 1 and re.search(r"document needs \d+ segments, "
                                           r"max-segments is 1", out.stderr.decode()),
         "too many segments: exit 1 naming the count", out.stderr.decode())


def main(t):
    with tempfile.TemporaryDirectory(prefix="provbox-encode-") as tmp:
        check_corpus(t, tmp)
        check_userpinmac_mismatch(t)
        check_wrong_credentials(t)
        check_kannel_captures(t)
        check_tshark(t, tmp)
        check_bad_documents(t)
        check_usage_errors(t)


run(main)

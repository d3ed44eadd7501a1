"""provctl_lint.py - `provctl lint` and the lint section of `provctl compile
--format explain`, run as an operator runs them:

  * findings are `FILE:LINE: error|warning: message` lines with the exact
    line; a document that does not compile or cannot be read is one error,
    and the other documents are still checked;
  * exit status 0 without errors (warnings allowed), 1 with, 2 on usage
    errors (message on stderr, nothing on stdout);
  * the SMS counts per mode are what `provctl compile --format sms` gives;
  * --sec picks the mode of the SMS warning and, for NONE, adds the
    password warning; a secret never appears in the output;
  * --format json is valid JSON saying the same as the text format;
  * file names are shown escaped.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile

from lab import PROVCTL, SRCDIR
from tap import run

CORPUS = os.path.join(SRCDIR, "test", "corpus")
CLEAN = os.path.join(SRCDIR, "doc", "examples", "apn-internet.xml")
FOUR_SMS = os.path.join(CORPUS, "email_pop3.xml")   # 4 SMS signed, 3 unsigned
NOT_COMPILING = os.path.join(SRCDIR, "test", "corpus-bad", "parm_outside_characteristic.xml")
SECRET = "Zebra-s3cr3t-91"
MODES = {
    "NETWPIN": ["--imsi", "262011234567890"],
    "USERPIN": ["--pin", "1234"],
    "USERNETWPIN": ["--imsi", "262011234567890", "--pin", "1234"],
    "USERPINMAC": ["--pin", "48291"],
    "NONE": [],
}

# Line 14 is the TO-NAPID that names no NAPDEF.
APN = """<?xml version="1.0"?>
<!DOCTYPE wap-provisioningdoc PUBLIC "-//WAPFORUM//DTD PROV 1.0//EN" "http://www.wapforum.org/DTD/prov.dtd">
<wap-provisioningdoc version="1.0">
  <characteristic type="NAPDEF">
    <parm name="NAPID" value="INTERNET"/>
    <parm name="BEARER" value="GSM-GPRS"/>
    <parm name="NAME" value="Example Internet"/>
    <parm name="NAP-ADDRESS" value="internet.example.com"/>
    <parm name="NAP-ADDRTYPE" value="APN"/>
  </characteristic>
  <characteristic type="APPLICATION">
    <parm name="APPID" value="w2"/>
    <parm name="NAME" value="Example Browser"/>
    <parm name="TO-NAPID" value="INTERNET2"/>
    <characteristic type="RESOURCE">
      <parm name="URI" value="http://www.example.com/"/>
      <parm name="STARTPAGE"/>
    </characteristic>
  </characteristic>
</wap-provisioningdoc>
"""
APN_ERROR = 'apn.xml:14: error: TO-NAPID "INTERNET2" names no NAPDEF (NAPIDs here: INTERNET)'

# Line 12 is the APPID no one registered; nothing else is wrong.
APPID = APN.replace('"w2"', '"zz9"').replace('"INTERNET2"', '"INTERNET"')
APPID_WARNING = ('appid.xml:12: warning: APPID "zz9" is neither registered with OMNA '
                 'nor a well-known one')

# Line 14 names a NAPID with a backslash: lint shows it as \\.
BACKSLASH = APN.replace('"INTERNET2"', '"A\\B"')
BACKSLASH_ERROR = 'backslash.xml:14: error: TO-NAPID "A\\\\B" names no NAPDEF'

# Line 12 holds a password.
SECRET_DOC = """<?xml version="1.0"?>
<wap-provisioningdoc version="1.0">
  <characteristic type="NAPDEF">
    <parm name="NAPID" value="INTERNET"/>
    <parm name="BEARER" value="GSM-GPRS"/>
    <parm name="NAME" value="Example Internet"/>
    <parm name="NAP-ADDRESS" value="internet.example.com"/>
    <parm name="NAP-ADDRTYPE" value="APN"/>
    <characteristic type="NAPAUTHINFO">
      <parm name="AUTHTYPE" value="PAP"/>
      <parm name="AUTHNAME" value="guest"/>
      <parm name="AUTHSECRET" value="%s"/>
    </characteristic>
  </characteristic>
</wap-provisioningdoc>
""" % SECRET
PASSWORD_WARNING = "secret.xml:12: warning: a password is sent under Sec: NONE"

FINDING_RE = re.compile(r"^(.*?):(?:(\d+):)? (error|warning): (.*)$")
SMS_RE = re.compile(r"^(.*): SMS per recipient: (.*)$")


def provctl(*args, cwd=None, stdin=None):
    return subprocess.run([PROVCTL] + list(args), capture_output=True, text=True,
                          cwd=cwd, input=stdin, timeout=60)


def lines(r):
    return r.stdout.splitlines()


def findings(r):
    """(file, line or None, severity, message) of every finding line."""
    found = []
    for line in lines(r):
        m = FINDING_RE.match(line)
        if m and not SMS_RE.match(line):
            found.append((m.group(1), int(m.group(2)) if m.group(2) else None,
                          m.group(3), m.group(4)))
    return found


def sms_counts(r):
    """{file: {mode: count or None}} from the SMS lines."""
    counts = {}
    for line in lines(r):
        m = SMS_RE.match(line)
        if m:
            pairs = [p.rsplit(" ", 1) for p in m.group(2).split(", ")]
            counts[m.group(1)] = {k: None if v == ">255" else int(v) for k, v in pairs}
    return counts


def write(tmp, name, text):
    with open(os.path.join(tmp, name), "w") as f:
        f.write(text)
    return name


def both(r):
    return "stdout:\n%s\nstderr:\n%s" % (r.stdout, r.stderr)


# -- text ----------------------------------------------------------------------

def check_clean(t):
    r = provctl("lint", CLEAN)
    t.eq(r.returncode, 0, "clean document: exit status 0", both(r))
    t.eq(findings(r), [], "clean document: no finding lines", both(r))
    t.eq(lines(r)[-1:], ["0 errors, 0 warnings in 1 document"],
         "clean document: the closing count", both(r))
    t.eq(len(lines(r)), 2, "clean document: only the SMS line and the count", both(r))
    t.eq(r.stderr, "", "clean document: nothing on stderr")


def check_error(t, tmp):
    r = provctl("lint", "apn.xml", cwd=tmp)
    t.eq(r.returncode, 1, "dangling TO-NAPID: exit status 1", both(r))
    t.eq(lines(r)[0], APN_ERROR, "dangling TO-NAPID: the exact FILE:LINE: error: line", both(r))
    t.eq(lines(r)[-1], "1 error, 0 warnings in 1 document",
         "dangling TO-NAPID: the closing count", both(r))


def check_warning_only(t, tmp):
    r = provctl("lint", "appid.xml", cwd=tmp)
    t.eq(r.returncode, 0, "warnings only (unknown APPID): exit status 0", both(r))
    got = findings(r)
    t.ok(len(got) == 1 and lines(r)[0].startswith(APPID_WARNING),
         "unknown APPID: one warning at line 12", both(r))
    t.eq(lines(r)[-1], "0 errors, 1 warning in 1 document",
         "unknown APPID: the closing count", both(r))


def check_not_compiling(t, tmp):
    name = os.path.basename(NOT_COMPILING)
    shutil.copy(NOT_COMPILING, os.path.join(tmp, name))
    r = provctl("lint", name, cwd=tmp)
    t.eq(r.returncode, 1, "document that does not compile: exit status 1", both(r))
    t.eq(lines(r), ["%s:4: error: parm outside a characteristic" % name,
                    "1 error, 0 warnings in 1 document"],
         "document that does not compile: FILE:LINE: error: the compiler's cause, "
         "no SMS line", both(r))
    r = provctl("lint", "missing.xml", "apn.xml", cwd=tmp)
    t.eq(lines(r)[0], "missing.xml: error: cannot open: No such file or directory",
         "unreadable file: FILE: error: cannot open", both(r))
    t.ok(r.returncode == 1 and APN_ERROR in lines(r),
         "unreadable file: the next document is still checked", both(r))


def check_two_files(t, tmp):
    shutil.copy(CLEAN, os.path.join(tmp, "clean.xml"))
    r = provctl("lint", "clean.xml", "apn.xml", cwd=tmp)
    t.eq(r.returncode, 1, "one clean and one bad document: exit status 1", both(r))
    t.eq([f[0] for f in findings(r)], ["apn.xml"],
         "one clean and one bad document: findings only for the bad one", both(r))
    t.eq(sorted(sms_counts(r)), ["apn.xml", "clean.xml"],
         "one clean and one bad document: an SMS line for each", both(r))
    t.eq(lines(r)[-1], "1 error, 0 warnings in 2 documents",
         "one clean and one bad document: the closing count", both(r))
    r = provctl("lint", os.path.basename(NOT_COMPILING), "clean.xml", cwd=tmp)
    t.ok(r.returncode == 1 and "clean.xml" in sms_counts(r),
         "a document that does not compile does not stop the next one", both(r))


def check_stdin(t):
    r = provctl("lint", "-", stdin=APN)
    t.eq((r.returncode, lines(r)[0]), (1, APN_ERROR.replace("apn.xml", "<stdin>")),
         "- reads the document from stdin, shown as <stdin>", both(r))


def check_usage(t, tmp):
    cases = [
        ([], "no document given"),
        (["--format", "xml", "apn.xml"], "--format xml"),
        (["--format"], "--format needs a value"),
        (["--bogus", "apn.xml"], "unknown option --bogus"),
        (["--sec", "SOMETIMES", "apn.xml"], "--sec SOMETIMES"),
        (["--sec"], "--sec needs a value"),
    ]
    for args, want in cases:
        r = provctl("lint", *args, cwd=tmp)
        t.ok(r.returncode == 2 and r.stdout == "" and r.stderr.startswith("provctl lint: ")
             and want in r.stderr,
             "usage error %r: exit status 2, %r on stderr" % (args, want), both(r))
    r = provctl("lint", "--help")
    t.ok(r.returncode == 0 and r.stdout.startswith("usage: provctl lint"),
         "--help: the usage on stdout, exit status 0", both(r))
    r = provctl("--help")
    t.ok(re.search(r"^  lint ", r.stdout, re.M) is not None,
         "provctl --help lists lint", r.stdout)


# -- SMS counts and --sec --------------------------------------------------------

def compile_count(doc, mode):
    r = provctl("compile", "--sec", mode, *MODES[mode], "--format", "sms",
                "--max-segments", "255", doc)
    if r.returncode != 0:
        return "compile failed: " + r.stderr
    return len(r.stdout.splitlines())


def check_sms_counts(t):
    for name in ("apn-internet.xml", "email_pop3.xml", "large_portal.xml",
                 "wm_security_policy.xml"):
        doc = CLEAN if name == "apn-internet.xml" else os.path.join(CORPUS, name)
        r = provctl("lint", doc)
        want = {mode: compile_count(doc, mode) for mode in MODES}
        t.eq(sms_counts(r).get(doc), want,
             "%s: SMS per recipient per mode = compile --format sms lines" % name, both(r))
    t.eq(list(sms_counts(r)[doc]), list(MODES),
         "the SMS line names the modes in the order NETWPIN ... NONE", both(r))


def check_too_long(t, tmp):
    bookmarks = "".join(
        '  <characteristic type="APPLICATION"><parm name="APPID" value="w2"/>'
        '<parm name="NAME" value="portal %d %s"/></characteristic>\n' % (i, "x" * 40)
        for i in range(800))
    write(tmp, "huge.xml", '<?xml version="1.0"?>\n<wap-provisioningdoc version="1.0">\n'
          + bookmarks + "</wap-provisioningdoc>\n")
    r = provctl("lint", "huge.xml", cwd=tmp)
    t.eq(sms_counts(r).get("huge.xml"), {mode: None for mode in MODES},
         "more than 255 SMS: shown as >255 in every mode", both(r))
    t.ok(r.returncode == 1
         and "huge.xml:1: error: the message needs more than 255 SMS" in lines(r),
         "more than 255 SMS: an error at line 1", both(r)[:2000])


def sms_warnings(r):
    return [f for f in findings(r) if "SMS" in f[3]]


def check_sec(t, tmp):
    r = provctl("lint", FOUR_SMS)
    t.ok(r.returncode == 0 and [f[1:3] for f in sms_warnings(r)] == [(1, "warning")]
         and "needs 4 SMS when signed" in sms_warnings(r)[0][3],
         "without --sec the SMS warning counts the largest signed mode", both(r))
    r = provctl("lint", "--sec", "NONE", FOUR_SMS)
    t.eq(sms_warnings(r), [], "--sec NONE: 3 SMS unsigned, no SMS warning", both(r))
    r = provctl("lint", "--sec", "usernetwpin", FOUR_SMS)
    t.ok(len(sms_warnings(r)) == 1 and "needs 4 SMS;" in sms_warnings(r)[0][3],
         "--sec usernetwpin (any case): the SMS warning counts that mode", both(r))

    r = provctl("lint", "secret.xml", cwd=tmp)
    t.eq(findings(r), [], "a password without --sec: no warning", both(r))
    outputs = []
    for fmt in ("text", "json"):
        r = provctl("lint", "--sec", "none", "--format", fmt, "secret.xml", cwd=tmp)
        outputs.append(r.stdout + r.stderr)
    text = provctl("lint", "--sec", "NONE", "secret.xml", cwd=tmp)
    t.ok(text.returncode == 0 and any(l.startswith(PASSWORD_WARNING) for l in lines(text)),
         "--sec NONE: the password warning at the AUTHSECRET's line", both(text))
    t.ok(all(SECRET not in out for out in outputs),
         "--sec NONE: the password's value is in no output", "\n".join(outputs))


# -- JSON ------------------------------------------------------------------------

def check_json(t, tmp):
    names = ["apn.xml", "clean.xml", "appid.xml", os.path.basename(NOT_COMPILING),
             "missing.xml"]
    text = provctl("lint", *names, cwd=tmp)
    r = provctl("lint", "--format", "json", *names, cwd=tmp)
    t.eq(r.returncode, text.returncode, "json: the same exit status as text")
    try:
        doc = json.loads(r.stdout)
    except ValueError as e:
        t.ok(False, "json: the output parses", "%s\n%s" % (e, r.stdout))
        return
    t.ok(True, "json: the output parses")
    t.eq([d["file"] for d in doc["documents"]], names, "json: one entry per file, in order")
    got = [(d["file"], f["line"], f["severity"], f["message"])
           for d in doc["documents"] for f in d["findings"]]
    t.eq(got, findings(text), "json: the same findings as text (line, severity, message)")
    sms = {d["file"]: d["sms"] for d in doc["documents"] if d["sms"] is not None}
    t.eq(sms, sms_counts(text), "json: the same SMS counts as text")
    t.eq([d["sms"] for d in doc["documents"][3:]], [None, None],
         "json: sms is null for a document that does not compile or cannot be read")
    t.eq((doc["errors"], doc["warnings"]),
         (sum(f[2] == "error" for f in got), sum(f[2] == "warning" for f in got)),
         "json: errors and warnings count the findings")
    t.eq(doc["documents"][4]["findings"][0]["line"], None,
         "json: line is null for a file that cannot be read")
    big = json.loads(provctl("lint", "--format", "json", "huge.xml", cwd=tmp).stdout)
    t.eq(big["documents"][0]["sms"], {mode: None for mode in MODES},
         "json: a mode needing more than 255 SMS counts null")


# -- escaping ------------------------------------------------------------------------

def check_escaping(t, tmp):
    r = provctl("lint", "backslash.xml", cwd=tmp)
    t.ok(lines(r)[0].startswith(BACKSLASH_ERROR),
         "a backslash in a value is shown as \\\\", both(r))
    j = json.loads(provctl("lint", "--format", "json", "backslash.xml", cwd=tmp).stdout)
    t.eq("backslash.xml:14: error: " + j["documents"][0]["findings"][0]["message"],
         lines(r)[0], "json: a message with a backslash reads as the text format shows it")

    odd = "odd\x1b[31m\nname.xml"
    shutil.copy(os.path.join(tmp, "apn.xml"), os.path.join(tmp, odd))
    r = provctl("lint", odd, cwd=tmp)
    shown = "odd\\x1B[31m\\x0Aname.xml"
    t.eq(lines(r)[0], APN_ERROR.replace("apn.xml", shown),
         "a file name with control characters is shown escaped", both(r))
    t.ok("\x1b" not in r.stdout and len(lines(r)) == 3,
         "the file name adds no line and no escape sequence", both(r))
    j = json.loads(provctl("lint", "--format", "json", odd, cwd=tmp).stdout)
    t.eq(j["documents"][0]["file"], shown, "json: the file name in its shown form")


# -- compile --format explain -------------------------------------------------------

def explain(doc, mode, cwd=None):
    r = provctl("compile", "--sec", mode, *MODES[mode], "--format", "explain", doc, cwd=cwd)
    return r, r.stdout.split("\nWBXML, token by token:")[0]


def check_explain(t, tmp):
    r, head = explain("apn.xml", "USERPIN", cwd=tmp)
    want = "lint (as sent with USERPIN):\nline %s\n" % APN_ERROR.split(":", 1)[1]
    t.ok(r.returncode == 0 and want in head,
         "compile --format explain: the lint section lists the error at line 14", both(r))
    r, head = explain(CLEAN, "USERPINMAC")
    t.ok("\nlint (as sent with USERPINMAC): no findings\n" in head,
         "compile --format explain: no findings for a clean document", both(r))
    r, head = explain(FOUR_SMS, "NONE")
    t.ok("lint (as sent with NONE):" in head and "SMS" not in head.split("lint (")[1],
         "compile --format explain: the findings are for --sec's mode (NONE: 3 SMS)", head)
    r, head = explain(FOUR_SMS, "NETWPIN")
    t.ok("line 1: warning: the message needs 4 SMS;" in head,
         "compile --format explain: the findings are for --sec's mode (NETWPIN: 4 SMS)", head)
    r, head = explain("secret.xml", "NONE", cwd=tmp)
    t.ok("line 12: warning: a password is sent under Sec: NONE" in head
         and SECRET not in head,
         "compile --format explain --sec NONE: the password warning, not the password", head)
    r = provctl("compile", "--sec", "NETWPIN", "--imsi", "26201123456789", "--format",
                "explain", CLEAN)
    t.ok("warning: the IMSI has 14 digits" in r.stdout,
         "compile --format explain still warns of a short IMSI", both(r)[-1500:])


def main(t):
    tmp = tempfile.mkdtemp(prefix="provctl_lint.")
    try:
        write(tmp, "apn.xml", APN)
        write(tmp, "appid.xml", APPID)
        write(tmp, "backslash.xml", BACKSLASH)
        write(tmp, "secret.xml", SECRET_DOC)
        check_clean(t)
        check_error(t, tmp)
        check_warning_only(t, tmp)
        check_not_compiling(t, tmp)
        check_two_files(t, tmp)
        check_stdin(t)
        check_usage(t, tmp)
        check_sms_counts(t)
        check_too_long(t, tmp)
        check_sec(t, tmp)
        check_json(t, tmp)
        check_escaping(t, tmp)
        check_explain(t, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


run(main)

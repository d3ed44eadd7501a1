"""provctl_vars.py - per-recipient values in provctl (issue 21): `provctl
submit` takes var.NAME=VALUE on --to and --to-file lines and --var defaults,
checks them against the document's {{NAME}} placeholders as provbox does
and refuses what does not fit, naming the option or FILE:LINE and the
variable, never a value, writing nothing; `provctl compile --var` previews
one recipient's message, byte for byte the message of the document with
the values put in."""
import os
import shutil
import subprocess
import tempfile

import big_status
from lab import PROVCTL
from tap import run

TEMPLATE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<wap-provisioningdoc version="1.1">\n'
            '  <characteristic type="APPLICATION">\n'
            '    <parm name="APPID" value="143"/>\n'
            '    <parm name="NAME" value="Mail of {{LOGIN}}"/>\n'
            '    <characteristic type="APPAUTH">\n'
            '      <parm name="AAUTHNAME" value="{{LOGIN}}"/>\n'
            '      <parm name="AAUTHSECRET" value="{{SECRET}}"/>\n'
            '    </characteristic>\n'
            '  </characteristic>\n'
            '</wap-provisioningdoc>\n')
SECRETS = ("s3cr3t-one", "hunter2", "Pa55-w0rd")


def provctl(*args):
    return subprocess.run([PROVCTL] + list(args), capture_output=True,
                          timeout=30)


def write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
    return path


def leaks(text):
    return [s for s in SECRETS if s in text]


def fresh_spool(tmp, name):
    spool = os.path.join(tmp, name)
    os.mkdir(spool, 0o750)
    for state in ("tmp", "new"):
        os.mkdir(os.path.join(spool, state))
    return spool


def check_submit_accepts(t, tmp, doc):
    spool = fresh_spool(tmp, "ok")
    to_file = write(os.path.join(tmp, "to.txt"),
                    "# per-user values\n"
                    "4790000002 var.LOGIN=bob var.SECRET=hunter2%20x\n"
                    "4790000003 var.LOGIN=carol\n")
    out = provctl("submit", "--spool", spool, "--sec", "USERPIN", "--pin", "1234",
                  "--to", "4790000001 var.LOGIN=alice var.SECRET=s3cr3t-one",
                  "--to-file", to_file, "--var", "SECRET=Pa55-w0rd", doc)
    t.eq(out.returncode, 0, "submit: var.NAME= on --to and --to-file lines and a --var "
         "default are accepted", out.stderr)
    names = os.listdir(os.path.join(spool, "new"))
    text = open(os.path.join(spool, "new", names[0])).read() if names else ""
    t.ok(text.startswith("To: 4790000001 var.LOGIN=alice var.SECRET=s3cr3t-one\n"
                         "To: 4790000002 var.LOGIN=bob var.SECRET=hunter2%20x\n"
                         "To: 4790000003 var.LOGIN=carol\n"
                         "Sec: USERPIN\nPin: 1234\nVar: SECRET=Pa55-w0rd\n\n"),
         "the job carries the lines as given and --var as a Var: header", text)


def check_submit_refuses(t, tmp, doc):
    spool = fresh_spool(tmp, "refused")
    to_file = write(os.path.join(tmp, "to2.txt"),
                    "4790000002 var.LOGIN=bob var.SECRET=hunter2\n"
                    "\n"
                    "4790000003 var.LOGIN=Pa55-w0rd\n")
    cases = [
        (["--to", "4790000001 var.LOGIN=s3cr3t-one", "--to-file", to_file],
         "provctl submit: --to: recipient 4790000001 has no value for {{SECRET}} (give "
         "var.SECRET= on its To: line, or a Var: SECRET= header)\n",
         "a --to recipient without a value"),
        (["--to-file", to_file],
         "provctl submit: %s:3: recipient 4790000003 has no value for {{SECRET}} (give "
         "var.SECRET= on its To: line, or a Var: SECRET= header)\n" % to_file,
         "a --to-file line without a value: FILE:LINE"),
        (["--to", "4790000001 var.LOGN=s3cr3t-one var.SECRET=hunter2"],
         "provctl submit: --to: var.LOGN= names no placeholder of the document (its "
         "placeholders: {{LOGIN}}, {{SECRET}})\n", "a misspelt variable"),
        (["--to", "4790000001 var.LOGIN=x var.SECRET=y", "--var", "SECERT=s3cr3t-one"],
         "provctl submit: --var: Var: SECERT= names no placeholder of the document (its "
         "placeholders: {{LOGIN}}, {{SECRET}})\n", "a misspelt --var"),
        (["--to", "4790000001 var.LOGIN=s3cr3t-one%2 var.SECRET=x"],
         "provctl submit: --to: To: var.LOGIN=: bad percent-encoding (a % must be "
         "followed by two hex digits)\n", "bad percent-encoding"),
        (["--to", "4790000001 var.LO/GIN=s3cr3t-one"],
         "provctl submit: --to: To: var. needs a NAME of 1 to 64 letters, digits, '_' or "
         "'-' before its '='\n", "a bad name"),
    ]
    for args, want, what in cases:
        out = provctl("submit", "--spool", spool, "--sec", "USERPIN", "--pin", "1234",
                      *args, doc)
        err = out.stderr.decode()
        t.ok(out.returncode == 1 and err == want and not leaks(err),
             "submit refuses %s (exit 1, no value shown)" % what,
             "exit %d\ngot:  %r\nwant: %r" % (out.returncode, err, want))
    t.eq(os.listdir(os.path.join(spool, "new")) + os.listdir(os.path.join(spool, "tmp")),
         [], "nothing was written for any refused job")


def compile_sms(*args):
    return provctl("compile", "--sec", "USERPIN", "--pin", "1234", "--ref", "7",
                   "--format", "sms", *args)


def check_compile(t, tmp, doc):
    value = "<&\"'> h\u00e9\ttab"
    encoded = "%3C&%22'%3E%20h%C3%A9%09tab"
    filled = write(os.path.join(tmp, "filled.xml"), TEMPLATE
                   .replace("{{LOGIN}}", "IPV4")
                   .replace("{{SECRET}}", value.replace("&", "&amp;").replace("<", "&lt;")
                            .replace(">", "&gt;").replace('"', "&quot;")
                            .replace("\t", "&#9;")))
    got = compile_sms("--var", "LOGIN=IPV4", "--var", "SECRET=" + encoded, doc)
    want = compile_sms(filled)
    t.ok(got.returncode == 0 and want.returncode == 0 and got.stdout == want.stdout,
         "compile --var: the same SMS as the document with the values put in, "
         "XML-escaped (a value token, <&\"'>, non-ASCII, a tab)",
         "got %r\nwant %r\n%r" % (got.stdout, want.stdout, got.stderr))
    out = compile_sms("--var", "LOGIN=alice", doc)
    t.eq((out.returncode, out.stderr.decode()),
         (1, "%s:8: placeholder {{SECRET}} has no value (give --var SECRET=...)\n" % doc),
         "compile without a value for a placeholder: exit 1, FILE:LINE of its first use")
    out = compile_sms("--var", "LOGIN=a", "--var", "SECRET=b", "--var", "OTHER=s3cr3t-one",
                      doc)
    t.eq((out.returncode, out.stderr.decode()),
         (1, "%s: --var OTHER=: the document has no placeholder {{OTHER}}\n" % doc),
         "compile with a --var the document does not use: exit 1")
    out = compile_sms("--var", "SECRET=s3cr3t-one%ZZ", doc)
    t.ok(out.returncode == 2 and b"--var: SECRET=: bad percent-encoding" in out.stderr
         and not leaks(out.stderr.decode()), "compile --var with bad percent-encoding: "
         "usage error, no value shown", out.stderr)
    text = write(os.path.join(tmp, "in_text.xml"),
                 TEMPLATE.replace('<parm name="APPID" value="143"/>', "{{LOGIN}}"))
    out = compile_sms("--var", "LOGIN=a", "--var", "SECRET=b", text)
    t.eq((out.returncode, out.stderr.decode()),
         (1, "%s:4: placeholder in the text of 'characteristic' (placeholders are filled "
          "in attribute values only)\n" % text), "a placeholder in element text: exit 1")


def check_resend(t, tmp, doc):
    """A finished templated job of six recipients in the six states
    (big_status.py): resending the failed and undelivered ones keeps their
    var. words and the Var: header."""
    spool = fresh_spool(tmp, "resend")
    for state in ("done", "failed", "active", "deferred"):
        os.mkdir(os.path.join(spool, state))
    lines = ["To: 47%08d pin=%d var.LOGIN=user%d var.SECRET=Pa55-w0rd%%20%d\n"
             % (i, 1000 + i, i, i) for i in range(6)]
    with open(doc, encoding="utf-8") as f:
        body = f.read()
    write(os.path.join(spool, "done", "J"), "".join(lines)
          + "Sec: USERPIN\nVar: SECRET=s3cr3t-one\n\n" + body)
    big_status.write(os.path.join(spool, "done", "J.status"), "J", 6, state="done")
    out = provctl("resend", "--spool", spool, "--state", "failed,undelivered", "J")
    name = out.stdout.decode().strip()
    path = os.path.join(spool, "new", name)
    text = open(path).read() if name and os.path.exists(path) else ""
    t.ok(out.returncode == 0 and text.startswith(lines[2] + lines[5])
         and "\nVar: SECRET=s3cr3t-one\n" in text and "Resend-Of: J\n" in text
         and text.endswith(body),
         "resend: the failed and undelivered recipients keep their var. words, the job "
         "its Var: header", "%r\n%r" % (out, text))


def main(t):
    tmp = tempfile.mkdtemp(prefix="provctl_vars.")
    try:
        doc = write(os.path.join(tmp, "template.xml"), TEMPLATE)
        check_submit_accepts(t, tmp, doc)
        check_submit_refuses(t, tmp, doc)
        check_compile(t, tmp, doc)
        check_resend(t, tmp, doc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


run(main)

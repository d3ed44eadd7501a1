"""deb_package.py - the Debian package, built, installed, used and purged
on this machine (root only; `make check-deb`):

  * `dpkg-buildpackage -us -uc -b` builds provbox_VERSION_ARCH.deb in a
    copy of the tree (`make distdir` into a temporary directory), leaving
    the tree itself as it was; debian/changelog has configure.ac's version;
  * the package pins kannel to the upstream version of the kannel-dev it was
    built against, marks the configuration as conffiles, carries the
    programs, man pages, guide, examples, unit, sysusers.d, tmpfiles.d and
    logrotate files; lintian reports no error and no warning;
  * `apt-get install ./provbox_*.deb` creates the user provbox, the spool
    (2770) and the log directory, leaves the service disabled, and the
    installed provbox and provctl run;
  * the installed provbox, as the user provbox, sends one job that the
    installed provctl put into the package's spool through a lab bearerbox:
    fakesmsc gets the push, its MAC verifies and wbxml2xml decodes it;
  * `apt-get purge` removes every file of the package, the configuration,
    the logs and the systemd state, keeps the user and keeps the spool that
    holds the job (and says so); a second purge, of a spool holding no job,
    removes the spool.

It refuses (SKIP) to run where provbox is installed already or where its
spool, logs or configuration exist: it would replace and purge them.
DEB_KEEP=1 keeps the build directory.
"""
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time

import wire
from lab import Lab, SRCDIR, BUILDDIR
from spool_view import Spool
from tap import run

SPOOL = "/var/spool/provbox"
LOGS = "/var/log/provbox"
ETC = "/etc/provbox"
PLACES = (SPOOL, LOGS, ETC)
PIN = "7351"
PHONE = "4790001234"
EXAMPLE = "/usr/share/doc/provbox/examples/apn-internet.xml"
WANT_FILES = [
    "/usr/sbin/provbox", "/usr/bin/provctl",
    "/usr/share/man/man8/provbox.8.gz", "/usr/share/man/man1/provctl.1.gz",
    "/usr/share/man/man5/provbox.conf.5.gz",
    "/usr/share/doc/provbox/README.md.gz", "/usr/share/doc/provbox/README.Debian",
    "/usr/share/doc/provbox/copyright", "/usr/share/doc/provbox/examples/kannel.conf",
    EXAMPLE, "/etc/provbox/provbox.conf", "/etc/logrotate.d/provbox",
    "/lib/systemd/system/provbox.service", "/usr/lib/sysusers.d/provbox.conf",
    "/usr/lib/tmpfiles.d/provbox.conf",
]


def quiet_env(**extra):
    """The environment without the outer make's job server."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    env.update(DEBIAN_FRONTEND="noninteractive", **extra)
    return env


def sh(argv, **kw):
    r = subprocess.run(argv, capture_output=True, env=quiet_env(), **kw)
    return r.returncode, (r.stdout + r.stderr).decode(errors="replace")


def why_not():
    """Why this machine cannot run the test, or None."""
    if os.geteuid() != 0:
        return "needs root (it installs and purges the package)"
    for tool in ("dpkg-buildpackage", "apt-get", "lintian", "dh"):
        if shutil.which(tool) is None:
            return "%s is missing (test/deps.sh installs it)" % tool
    if package_state() != "":
        return "provbox is installed here; the test would replace and purge it"
    there = [p for p in PLACES if os.path.exists(p)]
    if there:
        return "%s exists; the test would use and remove it" % ", ".join(there)
    return None


def package_state():
    r = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}", "provbox"],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else ""


def account(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def uid_of(name):
    user = account(name)
    return user.pw_uid if user else None


def wait_until(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


# -- build -------------------------------------------------------------------

def configure_version():
    with open(os.path.join(SRCDIR, "configure.ac")) as f:
        return re.search(r"AC_INIT\(\[provbox\], \[([^]]+)\]", f.read()).group(1)


def tree_state():
    code, out = sh(["git", "-C", SRCDIR, "status", "--porcelain"])
    return out if code == 0 else None


def build(t, work):
    """The .deb and .changes built in a copy of the tree, or None."""
    src = os.path.join(work, "provbox-" + configure_version())
    before = tree_state()
    code, out = sh(["make", "-C", BUILDDIR, "distdir", "distdir=" + src])
    if not t.ok(code == 0 and os.path.isfile(os.path.join(src, "debian", "rules")),
                "make distdir copies the tree with debian/", out[-2000:]):
        return None
    code, version = sh(["dpkg-parsechangelog", "-l", os.path.join(src, "debian", "changelog"),
                        "-S", "Version"])
    t.eq(version.strip().rsplit("-", 1)[0], configure_version(),
         "debian/changelog has configure.ac's version")
    opts = os.environ.get("DEB_BUILD_OPTIONS", "parallel=%d" % (os.cpu_count() or 1))
    started = time.time()
    r = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, capture_output=True,
                       env=quiet_env(DEB_BUILD_OPTIONS=opts))
    t.diag("dpkg-buildpackage -us -uc -b: %.1f s (DEB_BUILD_OPTIONS=%s)"
           % (time.time() - started, opts))
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                          text=True).stdout.strip()
    deb = os.path.join(work, "provbox_%s_%s.deb" % (version.strip(), arch))
    if not t.ok(r.returncode == 0 and os.path.isfile(deb),
                "dpkg-buildpackage -us -uc -b builds " + os.path.basename(deb),
                (r.stdout + r.stderr).decode(errors="replace")[-3000:]):
        return None
    if before is None:
        t.ok(True, "the source tree is left as it was # SKIP not a git checkout")
    else:
        t.eq(tree_state(), before, "the source tree is left as it was (git status)")
    os.chmod(work, 0o755)       # apt-get reads the .deb as the user _apt
    return deb, deb[:-len(".deb")] + ".changes"


# -- the package, unopened -----------------------------------------------------

def deb_field(deb, field):
    return subprocess.run(["dpkg-deb", "-f", deb, field], capture_output=True,
                          text=True).stdout.strip()


def kannel_pin():
    """kannel (>= U), kannel (<< next U~) for the installed kannel-dev."""
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "kannel-dev"],
                             capture_output=True, text=True).stdout
    upstream = version.rsplit("-", 1)[0]
    parts = upstream.split(".")
    parts[-1] = str(int(re.match(r"\d+", parts[-1]).group(0)) + 1)
    return "kannel (>= %s), kannel (<< %s~)" % (upstream, ".".join(parts))


def package_files(deb):
    out = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True).stdout
    return [line.split()[-1][1:] for line in out.splitlines() if not line.startswith("d")]


def check_package(t, deb, changes):
    depends = deb_field(deb, "Depends")
    t.ok(depends.startswith(kannel_pin() + ","),
         "Depends pins kannel to kannel-dev's upstream version: " + kannel_pin(), depends)
    t.ok("systemd-standalone-sysusers" in depends and "systemd-standalone-tmpfiles" in depends,
         "Depends brings systemd-sysusers and systemd-tmpfiles", depends)
    conffiles = subprocess.run(["dpkg-deb", "-I", deb, "conffiles"], capture_output=True,
                               text=True).stdout.split()
    t.eq(sorted(conffiles), ["/etc/logrotate.d/provbox", "/etc/provbox/provbox.conf"],
         "the configuration and the logrotate snippet are conffiles")
    files = package_files(deb)
    t.eq([f for f in WANT_FILES if f not in files], [],
         "the package carries programs, man pages, guide, examples, unit, sysusers.d, "
         "tmpfiles.d and logrotate files")
    r = subprocess.run(["lintian", "--fail-on", "error,warning", changes], capture_output=True,
                       text=True)
    tags = [line for line in r.stdout.splitlines() if re.match(r"[EW]: ", line)]
    t.diag("lintian %s: %s" % (os.path.basename(changes), r.stdout.strip() or "no tags"))
    t.ok(r.returncode == 0 and not tags, "lintian: no error and no warning on .deb, "
         ".changes and .buildinfo", r.stdout + r.stderr)
    return files


# -- installed -----------------------------------------------------------------

APT = ["apt-get", "-y", "-q", "-o", "Dpkg::Use-Pty=0"]


def install(t, deb, what):
    code, out = sh(APT + ["install", deb])
    t.ok(code == 0 and package_state() == "ii", "apt-get install ./%s (%s)"
         % (os.path.basename(deb), what), out[-3000:])
    return out


def mode_owner(path):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return oct(st.st_mode & 0o7777), pwd.getpwuid(st.st_uid).pw_name, st.st_gid


def check_installed(t, out):
    t.ok("systemctl enable --now provbox" in out, "a first installation says how to start provbox",
         out[-1500:])
    code, version = sh(["/usr/sbin/provbox", "--version"])
    t.ok(code == 0 and version.startswith("provbox %s\n" % configure_version())
         and re.search(r"^Kannel (\S+) \(built against \1\)$", version, re.M),
         "the installed provbox --version names itself and its Kannel", version)
    code, version = sh(["/usr/bin/provctl", "--version"])
    t.ok(code == 0 and version.startswith("provctl "), "the installed provctl runs", version)
    user = account("provbox")
    t.ok(user is not None and user.pw_uid < 1000 and user.pw_shell.endswith("nologin"),
         "the system user provbox exists, without a shell", user)
    gid = user.pw_gid if user else None
    t.eq(mode_owner(SPOOL), (oct(0o2770), "provbox", gid), "the spool is provbox's, mode 2770")
    t.eq(mode_owner(LOGS), (oct(0o750), "provbox", gid), "the log directory is provbox's, 0750")
    code, state = sh(["systemctl", "is-enabled", "provbox.service"])
    t.eq(state.strip(), "disabled", "provbox.service is installed but not enabled")
    return user.pw_uid if user else None


# -- one job with the installed programs -----------------------------------------

def readable_by_provbox(lab, conf):
    os.chmod(lab.dir, 0o711)
    for path in (conf, lab.bb_conf):
        os.chmod(path, 0o644)


def send_job(t):
    with Lab() as lab:
        lab.start()
        conf = lab.provbox_conf(spool_dir=SPOOL, log_file=LOGS + "/provbox.log",
                                access_log=LOGS + "/access.log")
        readable_by_provbox(lab, conf)
        lab.start_provbox(conf, binary="/usr/sbin/provbox",
                          wrapper=["setpriv", "--reuid=provbox", "--regid=provbox",
                                   "--init-groups", "--"])
        t.ok(wait_until(lambda: "provbox-lab" in lab.box_ids(), 30),
             "the installed provbox, run as provbox, connects to bearerbox")
        code, out = sh(["/usr/bin/provctl", "submit", "--spool", SPOOL, "--sec", "USERPIN",
                        "--pin", PIN, "--to", PHONE, EXAMPLE])
        name = out.strip()
        if not t.ok(code == 0 and name, "the installed provctl submits a job into the spool", out):
            return None
        spool = Spool(SPOOL)
        t.ok(wait_until(lambda: spool.recipients(name).get(PHONE) == "delivered", 60),
             "the job is sent and delivered", spool.status(name))
        check_received(t, lab)
    logs = ""
    for log in ("provbox.log", "access.log"):
        with open(os.path.join(LOGS, log), errors="replace") as f:
            logs += f.read()
    t.ok(name in logs and PIN not in logs, "provbox logged the job into %s, not its PIN" % LOGS)
    return name


def check_received(t, lab):
    segments = [(m.udh, m.data) for m in lab.received() if m.receiver == PHONE]
    if not t.ok(segments, "fakesmsc received the push"):
        return
    push = wire.parse_push(wire.reassemble(segments))
    want_mac = wire.mac_hex("USERPIN", push["body"], PIN)
    t.ok(push["sec"] == "USERPIN" and push["mac"] == want_mac, "its MAC verifies with the PIN",
         push)
    with open(EXAMPLE, "rb") as f:
        want = wire.canonical(wire.xml_tree(f.read()))
    t.eq(wire.canonical(wire.wbxml_to_tree(push["body"])), want,
         "wbxml2xml gives back the installed example document")


# -- purged ----------------------------------------------------------------------

def purge(t, what):
    code, out = sh(APT + ["purge", "provbox"])
    t.ok(code == 0 and package_state() == "", "apt-get purge provbox (%s)" % what, out[-3000:])
    return out


def check_purged(t, files, out, name, uid):
    t.ok("still holds jobs" in out, "purge says the spool still holds jobs", out[-1500:])
    t.ok(os.path.isfile(os.path.join(SPOOL, "done", name))
         and os.path.isfile(os.path.join(SPOOL, "done", name + ".status")),
         "purge keeps the spool with the job and its status")
    t.eq([p for p in (ETC, LOGS, "/etc/logrotate.d/provbox") if os.path.exists(p)], [],
         "purge removes the configuration and the logs")
    t.eq([f for f in files if os.path.lexists(f)], [], "no file of the package is left")
    t.eq(glob.glob("/var/lib/systemd/deb-systemd-helper-*/*provbox*"), [],
         "no systemd state of the package is left")
    t.ok(uid is not None and uid_of("provbox") == uid, "the user provbox stays")


def purge_empty_spool(t, deb, name):
    """The job gone by hand, the state directories and the lock file left:
    a purge then removes the spool."""
    for path in glob.glob(os.path.join(SPOOL, "*", name + "*")):
        os.unlink(path)
    install(t, deb, "again, over the kept spool and user")
    t.ok(os.path.isdir(os.path.join(SPOOL, "done")), "the spool's state directories are there")
    out = purge(t, "the spool holds no job")
    t.ok(not os.path.exists(SPOOL) and "still holds" not in out,
         "purge removes a spool that holds no job", out[-1500:])


# -- the whole ---------------------------------------------------------------------

def exercise(t, work):
    built = build(t, work)
    if built is None:
        return
    deb, changes = built
    files = check_package(t, deb, changes)
    out = install(t, deb, "first installation")
    if package_state() != "ii":
        return
    uid = check_installed(t, out)
    name = send_job(t)
    out = purge(t, "the spool holds a job")
    if name is None:
        return
    check_purged(t, files, out, name, uid)
    purge_empty_spool(t, deb, name)


def main(t):
    reason = why_not()
    if reason:
        t.ok(True, "the Debian package # SKIP " + reason)
        return
    had_user = account("provbox") is not None
    work = tempfile.mkdtemp(prefix="provbox-deb-")
    try:
        exercise(t, work)
    finally:
        clean_up(had_user, work)


def clean_up(had_user, work):
    """Leave the machine as the test found it."""
    if package_state():
        sh(APT + ["purge", "provbox"])
    for path in PLACES:
        shutil.rmtree(path, ignore_errors=True)
    if not had_user and account("provbox") is not None:
        sh(["userdel", "provbox"])
        sh(["groupdel", "provbox"])
    if os.environ.get("DEB_KEEP"):
        print("# build kept in %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)


run(main)

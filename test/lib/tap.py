"""tap.py - TAP output for provbox's Python integration tests.

Every check prints "ok N - what" or "not ok N - what"; done() prints the plan
and exits non-zero when a check failed. An exception escaping a test is
reported as a failed check by run(), so a crash never looks like a pass.
"""
import sys
import traceback


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, passed, what, detail=None):
        self.count += 1
        if not passed:
            self.failed += 1
        print("%sok %d - %s" % ("" if passed else "not ", self.count, what))
        if not passed and detail is not None:
            for line in str(detail).splitlines():
                print("#   " + line)
        sys.stdout.flush()
        return passed

    def eq(self, got, want, what, detail=None):
        text = "got:  %r\nwant: %r" % (got, want)
        if detail is not None:
            text += "\n" + str(detail)
        return self.ok(got == want, what, text)

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line)
        sys.stdout.flush()

    def done(self):
        print("1..%d" % self.count)
        sys.stdout.flush()
        sys.exit(1 if self.failed or self.count == 0 else 0)


def run(main):
    """Run main(tap); an exception counts as one failed check."""
    tap = Tap()
    try:
        main(tap)
    except Exception:  # noqa: BLE001 - reported, never swallowed
        tap.ok(False, "test raised an exception", traceback.format_exc())
    tap.done()

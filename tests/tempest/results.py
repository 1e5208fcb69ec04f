#!/usr/bin/python3
"""Reads a subunit v2 stream (tempest run --subunit) on stdin and writes one line per test:

    <test id>\t<pass|skip|fail>\t<reason>

sorted by test id. The reason is the skip reason, or for a failure the exception that ended the
test (the traceback's last, unindented lines, joined on one line), empty for a pass. A test that
subunit reports more than once (a worker's retry) keeps its last result. Uses Debian's
python3-subunit and python3-testtools, as subunit2csv and subunit-trace do.
"""
import sys

import subunit
import testtools

STATUS = {"success": "pass", "skip": "skip", "fail": "fail", "xfail": "pass", "uxsuccess": "fail"}
MAX_REASON = 400


def one_line(text):
    return " ".join(text.split())


def exception_of(traceback):
    # The frames of a Python traceback are indented; the exception (possibly several lines, as
    # tempest's "Details: ..." are) is what follows the last indented line.
    lines = traceback.rstrip().splitlines()
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith(" "):
            return " ".join(lines[i + 1:])
    return " ".join(lines)


def reason_of(test):
    details = test["details"]
    if test["status"] == "skip":
        detail = details.get("reason")
        return one_line(detail.as_text()) if detail is not None else ""
    if test["status"] in ("success", "xfail"):
        return ""
    detail = details.get("traceback")
    if detail is None:
        return test["status"]
    return one_line(exception_of(detail.as_text()))


def main():
    results = {}

    def on_test(test):
        if not test["id"] or test["status"] in ("exists", "inprogress", None):
            return
        status = STATUS.get(test["status"], "fail")
        reason = reason_of(test)
        if status == "fail" and test["status"] not in ("fail", "uxsuccess"):
            reason = f"subunit status {test['status']}: {reason}"
        results[test["id"]] = (status, reason.replace("\t", " ")[:MAX_REASON])

    stream = subunit.ByteStreamToStreamResult(sys.stdin.buffer, non_subunit_name="stdout")
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    try:
        stream.run(result)
    finally:
        result.stopTestRun()
    for test_id in sorted(results):
        status, reason = results[test_id]
        sys.stdout.write(f"{test_id}\t{status}\t{reason}\n" if reason else f"{test_id}\t{status}\n")


if __name__ == "__main__":
    main()

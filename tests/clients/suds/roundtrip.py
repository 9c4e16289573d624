"""A suds-community client generated from the live WSDL runs the conformance scenario.

Usage: roundtrip.py <service URL ending in /srv.asmx>
Prints one line per step and exits non-zero on the first surprise.

suds speaks SOAP 1.1 only, so it uses the srvSoap port. It expresses a null parameter by
leaving it out (None); it writes xsi:nil only for elements the schema declares nillable,
which ASMX's string parameters are not (suds.null() becomes an empty element, i.e. ""),
so the scenario's xsi:nil step does not apply to it.
"""

import sys
from pathlib import Path

from suds.client import Client
from suds.plugin import MessagePlugin

# The scenario is shared with the zeep client, one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import scenario  # noqa: E402


class LastSent(MessagePlugin):
    """Keeps the last request envelope, to check what suds put on the wire."""

    def __init__(self):
        self.envelope = b""

    def sending(self, context):
        self.envelope = bytes(context.envelope)


class Node:
    """A suds object seen as an lxml element: suds maps an element's attributes to
    attributes prefixed `_`, and its child elements to attributes named after them."""

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def get(self, name):
        return getattr(self.value, f"_{name}", None)

    def find(self, child):
        return Node(child, getattr(self.value, child))


class Suds(scenario.Client):
    tool = "suds"

    def __init__(self, url):
        self.last = LastSent()
        self.svc = Client(f"{url}?WSDL", port="srvSoap", plugins=[self.last], cache=None).service

    def node(self, result):
        """suds maps the `s:any` result's one element to an attribute named after it."""
        for tag in ("root", "response"):
            value = getattr(result, tag, None)
            if value is not None:
                return Node(tag, value)
        raise SystemExit(f"{self.tool}: FAILED: no root or response element in {result!r}")

    def email_sent(self):
        return b"emailAddress" in self.last.envelope


if __name__ == "__main__":
    scenario.main(__doc__, Suds)

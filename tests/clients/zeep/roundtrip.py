"""A zeep client generated from the live WSDL runs the conformance scenario.

Usage: roundtrip.py <service URL ending in /srv.asmx>
Prints one line per step and exits non-zero on the first surprise.
"""

import sys
from pathlib import Path

from lxml import etree
from zeep import Client, xsd
from zeep.plugins import HistoryPlugin

# The scenario is shared with the suds client, one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import scenario  # noqa: E402

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


class Zeep(scenario.Client):
    tool = "zeep"
    nil = xsd.Nil

    def __init__(self, url):
        self.history = HistoryPlugin()
        client = Client(f"{url}?WSDL", plugins=[self.history])
        self.svc = client.service
        self.expect(
            client.service._binding.name.localname == "srvSoap",
            "the default port is srvSoap (SOAP 1.1)",
        )

    def node(self, result):
        """zeep hands an `s:any` result back as lxml elements."""
        values = getattr(result, "_value_1", result)
        if isinstance(values, list):
            values = next(v for v in values if isinstance(v, etree._Element))
        assert isinstance(values, etree._Element), f"not an element: {result!r}"
        return values

    def sent_email(self):
        """The `emailAddress` element of the last request: None when it was left out."""
        envelope = self.history.last_sent["envelope"]
        return envelope.find(".//{http://tempuri.org/}emailAddress")

    def email_sent(self):
        return self.sent_email() is not None

    def email_sent_as_nil(self):
        sent = self.sent_email()
        return sent is not None and sent.get(XSI_NIL) == "true"


if __name__ == "__main__":
    scenario.main(__doc__, Zeep)

"""A zeep client generated from the live WSDL runs the contact-info scenario.

Usage: roundtrip.py <service URL ending in /srv.asmx>
Prints one line per step and exits non-zero on the first surprise.
"""

import sys

from lxml import etree
from zeep import Client, xsd


def node(result):
    """The XmlNode a method returned: zeep hands an `s:any` result back as lxml elements."""
    values = getattr(result, "_value_1", result)
    if isinstance(values, list):
        values = next(v for v in values if isinstance(v, etree._Element))
    assert isinstance(values, etree._Element), f"not an element: {result!r}"
    return values


def expect(condition, message):
    if not condition:
        raise SystemExit(f"zeep: FAILED: {message}")
    print(f"zeep: ok: {message}")


def main(url):
    client = Client(f"{url}?WSDL")
    svc = client.service

    login = node(svc.AuthenticateUser(UID="jdoe", PWD="jdoe"))
    expect(login.get("success") == "true", "AuthenticateUser succeeds")
    ticket = login.get("ticket")

    def user():
        response = node(svc.GetUser(AuthenticationTicket=ticket, UserName="jdoe"))
        expect(response.tag == "response" and response.get("success") == "true", "GetUser succeeds")
        return response.find("User")

    before = user()
    expect(before.get("Email") == "jdoe@example.com", "GetUser shows the fixture e-mail")

    def update(email, mobile):
        response = node(
            svc.UpdateUserContactInfo(
                authenticationTicket=ticket, userName="jdoe", emailAddress=email, mobileNumber=mobile
            )
        )
        expect(response.get("success") == "true", f"UpdateUserContactInfo({email!r}, {mobile!r})")

    update("zeep@example.com", "555-0777")
    after = user()
    expect(
        (after.get("Email"), after.get("MobileNumber")) == ("zeep@example.com", "555-0777"),
        "GetUser shows the update",
    )

    update(None, "555-0778")
    kept = user()
    expect(kept.get("Email") == "zeep@example.com", "an omitted (None) e-mail keeps the stored value")

    update(xsd.Nil, "555-0779")
    kept = user()
    expect(kept.get("Email") == "zeep@example.com", "an xsi:nil e-mail keeps the stored value")

    update("", "")
    cleared = user()
    expect(
        (cleared.get("Email"), cleared.get("MobileNumber")) == ("", ""),
        "empty strings clear both fields",
    )

    out = node(svc.LogOut(AuthenticationTicket=ticket))
    expect(out.get("success") == "true", "LogOut succeeds")
    after_logout = node(svc.isValidTicket(AuthenticationTicket=ticket))
    expect(
        after_logout.get("error") == "[901] Session expired or Invalid ticket",
        "isValidTicket after LogOut is [901]",
    )
    print("zeep: all steps passed")


if __name__ == "__main__":
    main(sys.argv[1])

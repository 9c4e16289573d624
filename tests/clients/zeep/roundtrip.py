"""A zeep client generated from the live WSDL runs the conformance scenario.

Usage: roundtrip.py <service URL ending in /srv.asmx>
Prints one line per step and exits non-zero on the first surprise.
"""

import re
import sys
import traceback

from lxml import etree
from zeep import Client, xsd
from zeep.plugins import HistoryPlugin

TOOL = "zeep"


def sent_email(history):
    """The `emailAddress` element of the last request: None when it was left out."""
    envelope = history.last_sent["envelope"]
    return envelope.find(".//{http://tempuri.org/}emailAddress")


def node(result):
    """The XmlNode a method returned: zeep hands an `s:any` result back as lxml elements."""
    values = getattr(result, "_value_1", result)
    if isinstance(values, list):
        values = next(v for v in values if isinstance(v, etree._Element))
    assert isinstance(values, etree._Element), f"not an element: {result!r}"
    return values


def expect(condition, message):
    if not condition:
        raise SystemExit(f"{TOOL}: FAILED: {message}")
    print(f"{TOOL}: ok: {message}")


def main(url):
    history = HistoryPlugin()
    client = Client(f"{url}?WSDL", plugins=[history])
    svc = client.service
    expect(
        client.service._binding.name.localname == "srvSoap",
        "the default port is srvSoap (SOAP 1.1)",
    )

    login = node(svc.AuthenticateUser(UID="jdoe", PWD="jdoe"))
    expect(
        login.tag == "root" and login.get("success") == "true" and login.get("userid") == "3",
        "AuthenticateUser jdoe succeeds",
    )
    ticket = login.get("ticket")
    expect(re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", ticket), "the ticket is a GUID")

    def user(name, tkt=ticket):
        response = node(svc.GetUser(AuthenticationTicket=tkt, UserName=name))
        expect(
            response.tag == "response" and response.get("success") == "true",
            f"GetUser {name} succeeds",
        )
        return response.find("User")

    before = user("jdoe")
    expect((before.get("UserName"), before.get("UserID")) == ("jdoe", "3"), "GetUser shows jdoe")

    def update(email, mobile, what, name="jdoe"):
        response = node(
            svc.UpdateUserContactInfo(
                authenticationTicket=ticket, userName=name, emailAddress=email, mobileNumber=mobile
            )
        )
        expect(
            (response.get("success"), response.get("error")) == ("true", ""),
            f"UpdateUserContactInfo {what}",
        )

    email = f"{TOOL}@example.com"
    update(email, "555-0170", "with both values")
    after = user("jdoe")
    expect(
        (after.get("Email"), after.get("MobileNumber")) == (email, "555-0170"),
        "GetUser shows the update",
    )

    update(None, "555-0171", "with an omitted (None) e-mail")
    expect(sent_email(history) is None, "zeep left the None e-mail out of the request")
    kept = user("jdoe")
    expect(
        (kept.get("Email"), kept.get("MobileNumber")) == (email, "555-0171"),
        "an omitted (None) e-mail keeps the stored value",
    )

    update(xsd.Nil, "555-0172", "with an xsi:nil e-mail")
    nil = sent_email(history)
    expect(
        nil is not None and nil.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true",
        "zeep sent the e-mail as xsi:nil",
    )
    kept = user("jdoe")
    expect(
        (kept.get("Email"), kept.get("MobileNumber")) == (email, "555-0172"),
        "an xsi:nil e-mail keeps the stored value",
    )

    update("", "", "with empty strings")
    cleared = user("jdoe")
    expect(
        (cleared.get("Email"), cleared.get("MobileNumber")) == ("", ""),
        "empty strings clear both fields",
    )

    denied = node(
        svc.UpdateUserContactInfo(
            authenticationTicket=ticket, userName="asmith", emailAddress="x@example.com", mobileNumber="1"
        )
    )
    expect(
        (denied.get("success"), denied.get("error")) == ("false", "Access denied"),
        "jdoe updating asmith gets Access denied",
    )
    expect(user("asmith").get("Email") == "alice.smith@example.com", "asmith is unchanged")

    out = node(svc.LogOut(AuthenticationTicket=ticket))
    expect(out.get("success") == "true", "LogOut succeeds")
    after_logout = node(svc.isValidTicket(AuthenticationTicket=ticket))
    expect(
        (after_logout.get("success"), after_logout.get("error"))
        == ("false", "[901] Session expired or Invalid ticket"),
        "isValidTicket after LogOut is [901]",
    )
    wrong = node(svc.AuthenticateUser(UID="jdoe", PWD="not-the-password"))
    expect(
        (wrong.get("success"), wrong.get("error")) == ("false", "[900] Authentication failed"),
        "a wrong password is [900]",
    )

    user_management(svc, user)
    print(f"{TOOL}: all steps passed")


def user_management(svc, user):
    """CreateUser → GetUser → UpdateUserProfile → DeleteUser → GetUser, as admin."""
    login = node(svc.AuthenticateUser(UID="admin", PWD="admin"))
    expect(login.get("success") == "true", "AuthenticateUser admin succeeds")
    ticket = login.get("ticket")
    name, renamed = f"{TOOL}.probe", f"{TOOL}.renamed"

    created = node(
        svc.CreateUser(
            AuthenticationTicket=ticket,
            DomainName="Engineering",
            UserName=name,
            FirstName="Probe",
            LastName=TOOL,
            EmailAddress=f"{name}@example.com",
            Password="probe-secret",
            ReadOnlyUser=False,
            AuthenticationSource="native",
        )
    )
    user_id = created.get("id") or ""
    expect(
        created.get("success") == "true" and user_id.isdigit(),
        f"CreateUser {name} returns an id",
    )
    fresh = user(name, ticket)
    expect(
        (fresh.get("UserID"), fresh.get("FirstName"), fresh.get("Email"), fresh.get("Domain"))
        == (user_id, "Probe", f"{name}@example.com", "Engineering"),
        "GetUser shows the new user",
    )

    profile = node(
        svc.UpdateUserProfile(
            AuthenticationTicket=ticket,
            UserName=name,
            NewUserName=renamed,
            NewFirstName="Renamed",
            NewLastName="Probe",
            AuthenticateSource="native",
        )
    )
    expect(profile.get("success") == "true", "UpdateUserProfile renames the user")
    changed = user(renamed, ticket)
    expect(
        (changed.get("UserID"), changed.get("UserName"), changed.get("FirstName"))
        == (user_id, renamed, "Renamed"),
        "GetUser shows the new profile",
    )

    deleted = node(svc.DeleteUser(AuthenticationTicket=ticket, UserName=renamed))
    expect(deleted.get("success") == "true", "DeleteUser succeeds")
    gone = node(svc.GetUser(AuthenticationTicket=ticket, UserName=renamed))
    expect(
        (gone.get("success"), gone.get("error")) == ("false", "User not found"),
        "GetUser after DeleteUser is User not found",
    )
    expect(node(svc.LogOut(AuthenticationTicket=ticket)).get("success") == "true", "LogOut admin succeeds")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    try:
        main(sys.argv[1])
    except Exception as error:  # a fault, a transport error: a surprise like any other
        traceback.print_exc()
        raise SystemExit(f"{TOOL}: FAILED: {error!r}") from None

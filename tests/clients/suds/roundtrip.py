"""A suds-community client generated from the live WSDL runs the conformance scenario.

Usage: roundtrip.py <service URL ending in /srv.asmx>
Prints one line per step and exits non-zero on the first surprise.

suds speaks SOAP 1.1 only, so it uses the srvSoap port. It expresses a null parameter by
leaving it out (None); it writes xsi:nil only for elements the schema declares nillable,
which ASMX's string parameters are not (suds.null() becomes an empty element, i.e. "").
"""

import re
import sys
import traceback

from suds.client import Client
from suds.plugin import MessagePlugin

TOOL = "suds"


class LastSent(MessagePlugin):
    """Keeps the last request envelope, to check what suds put on the wire."""

    def __init__(self):
        self.envelope = b""

    def sending(self, context):
        self.envelope = bytes(context.envelope)


def node(result):
    """The XmlNode a method returned, as (root element name, suds object): suds maps the
    `s:any` result's one element to an attribute named after it, attributes prefixed `_`."""
    for tag in ("root", "response"):
        value = getattr(result, tag, None)
        if value is not None:
            return tag, value
    raise SystemExit(f"{TOOL}: FAILED: no root or response element in {result!r}")


def attr(obj, name):
    return getattr(obj, f"_{name}", None)


def expect(condition, message):
    if not condition:
        raise SystemExit(f"{TOOL}: FAILED: {message}")
    print(f"{TOOL}: ok: {message}")


def main(url):
    last = LastSent()
    client = Client(f"{url}?WSDL", port="srvSoap", plugins=[last], cache=None)
    svc = client.service

    tag, login = node(svc.AuthenticateUser(UID="jdoe", PWD="jdoe"))
    expect(
        tag == "root" and attr(login, "success") == "true" and attr(login, "userid") == "3",
        "AuthenticateUser jdoe succeeds",
    )
    ticket = attr(login, "ticket")
    expect(re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", ticket), "the ticket is a GUID")

    def user(name, tkt=ticket):
        tag, response = node(svc.GetUser(AuthenticationTicket=tkt, UserName=name))
        expect(tag == "response" and attr(response, "success") == "true", f"GetUser {name} succeeds")
        return response.User

    before = user("jdoe")
    expect((attr(before, "UserName"), attr(before, "UserID")) == ("jdoe", "3"), "GetUser shows jdoe")

    def update(email, mobile, what):
        _, response = node(
            svc.UpdateUserContactInfo(
                authenticationTicket=ticket, userName="jdoe", emailAddress=email, mobileNumber=mobile
            )
        )
        expect(
            (attr(response, "success"), attr(response, "error")) == ("true", ""),
            f"UpdateUserContactInfo {what}",
        )

    email = f"{TOOL}@example.com"
    update(email, "555-0170", "with both values")
    after = user("jdoe")
    expect(
        (attr(after, "Email"), attr(after, "MobileNumber")) == (email, "555-0170"),
        "GetUser shows the update",
    )

    update(None, "555-0171", "with an omitted (None) e-mail")
    expect(b"emailAddress" not in last.envelope, "suds left the None e-mail out of the request")
    kept = user("jdoe")
    expect(
        (attr(kept, "Email"), attr(kept, "MobileNumber")) == (email, "555-0171"),
        "an omitted (None) e-mail keeps the stored value",
    )

    update("", "", "with empty strings")
    cleared = user("jdoe")
    expect(
        (attr(cleared, "Email"), attr(cleared, "MobileNumber")) == ("", ""),
        "empty strings clear both fields",
    )

    _, denied = node(
        svc.UpdateUserContactInfo(
            authenticationTicket=ticket, userName="asmith", emailAddress="x@example.com", mobileNumber="1"
        )
    )
    expect(
        (attr(denied, "success"), attr(denied, "error")) == ("false", "Access denied"),
        "jdoe updating asmith gets Access denied",
    )
    expect(attr(user("asmith"), "Email") == "alice.smith@example.com", "asmith is unchanged")

    _, out = node(svc.LogOut(AuthenticationTicket=ticket))
    expect(attr(out, "success") == "true", "LogOut succeeds")
    _, after_logout = node(svc.isValidTicket(AuthenticationTicket=ticket))
    expect(
        (attr(after_logout, "success"), attr(after_logout, "error"))
        == ("false", "[901] Session expired or Invalid ticket"),
        "isValidTicket after LogOut is [901]",
    )
    _, wrong = node(svc.AuthenticateUser(UID="jdoe", PWD="not-the-password"))
    expect(
        (attr(wrong, "success"), attr(wrong, "error")) == ("false", "[900] Authentication failed"),
        "a wrong password is [900]",
    )

    user_management(svc, user)
    print(f"{TOOL}: all steps passed")


def user_management(svc, user):
    """CreateUser → GetUser → UpdateUserProfile → DeleteUser → GetUser, as admin."""
    _, login = node(svc.AuthenticateUser(UID="admin", PWD="admin"))
    expect(attr(login, "success") == "true", "AuthenticateUser admin succeeds")
    ticket = attr(login, "ticket")
    name, renamed = f"{TOOL}.probe", f"{TOOL}.renamed"

    _, created = node(
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
    user_id = attr(created, "id") or ""
    expect(attr(created, "success") == "true" and user_id.isdigit(), f"CreateUser {name} returns an id")
    fresh = user(name, ticket)
    expect(
        (attr(fresh, "UserID"), attr(fresh, "FirstName"), attr(fresh, "Email"), attr(fresh, "Domain"))
        == (user_id, "Probe", f"{name}@example.com", "Engineering"),
        "GetUser shows the new user",
    )

    _, profile = node(
        svc.UpdateUserProfile(
            AuthenticationTicket=ticket,
            UserName=name,
            NewUserName=renamed,
            NewFirstName="Renamed",
            NewLastName="Probe",
            AuthenticateSource="native",
        )
    )
    expect(attr(profile, "success") == "true", "UpdateUserProfile renames the user")
    changed = user(renamed, ticket)
    expect(
        (attr(changed, "UserID"), attr(changed, "UserName"), attr(changed, "FirstName"))
        == (user_id, renamed, "Renamed"),
        "GetUser shows the new profile",
    )

    _, deleted = node(svc.DeleteUser(AuthenticationTicket=ticket, UserName=renamed))
    expect(attr(deleted, "success") == "true", "DeleteUser succeeds")
    _, gone = node(svc.GetUser(AuthenticationTicket=ticket, UserName=renamed))
    expect(
        (attr(gone, "success"), attr(gone, "error")) == ("false", "User not found"),
        "GetUser after DeleteUser is User not found",
    )
    _, out = node(svc.LogOut(AuthenticationTicket=ticket))
    expect(attr(out, "success") == "true", "LogOut admin succeeds")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    try:
        main(sys.argv[1])
    except Exception as error:  # a fault, a transport error: a surprise like any other
        traceback.print_exc()
        raise SystemExit(f"{TOOL}: FAILED: {error!r}") from None

"""The conformance scenario the Python SOAP clients run, written once.

Each client script (zeep/roundtrip.py, suds/roundtrip.py) builds its client from the live
WSDL and hands `run` a `Client` adapter: what the scenario checks is the same for every
library, only how a library returns the `s:any` result and shows what it sent differ.
"""

import re
import sys
import traceback


class Client:
    """What one library gives the scenario. Subclasses set `tool` and `svc` and define:

    - `node(result)`: the XmlNode a method returned, as an object with `tag`, `get(attr)`
      and `find(child)`, like an lxml element;
    - `email_sent()`: whether the last request carried an `emailAddress` element;
    - `nil` and `email_sent_as_nil()`: the value that makes the library write xsi:nil,
      and whether the last request did; `nil` stays None for a library that cannot.
    """

    tool = ""
    svc = None
    nil = None

    def expect(self, condition, message):
        if not condition:
            raise SystemExit(f"{self.tool}: FAILED: {message}")
        print(f"{self.tool}: ok: {message}")


def main(usage, client_class):
    """Runs the scenario with a `client_class` built for the URL on the command line."""
    if len(sys.argv) != 2:
        raise SystemExit(usage)
    try:
        run(client_class(sys.argv[1]))
    except Exception as error:  # a fault, a transport error: a surprise like any other
        traceback.print_exc()
        raise SystemExit(f"{client_class.tool}: FAILED: {error!r}") from None


def run(c):
    svc, node, expect, tool = c.svc, c.node, c.expect, c.tool

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

    def contact(name):
        found = user(name)
        return found.get("Email"), found.get("MobileNumber")

    before = user("jdoe")
    expect((before.get("UserName"), before.get("UserID")) == ("jdoe", "3"), "GetUser shows jdoe")

    def update(email, mobile, what):
        response = node(
            svc.UpdateUserContactInfo(
                authenticationTicket=ticket, userName="jdoe", emailAddress=email, mobileNumber=mobile
            )
        )
        expect(
            (response.get("success"), response.get("error")) == ("true", ""),
            f"UpdateUserContactInfo {what}",
        )

    email = f"{tool}@example.com"
    update(email, "555-0170", "with both values")
    expect(contact("jdoe") == (email, "555-0170"), "GetUser shows the update")

    update(None, "555-0171", "with an omitted (None) e-mail")
    expect(not c.email_sent(), f"{tool} left the None e-mail out of the request")
    expect(contact("jdoe") == (email, "555-0171"), "an omitted (None) e-mail keeps the stored value")

    if c.nil is not None:
        update(c.nil, "555-0172", "with an xsi:nil e-mail")
        expect(c.email_sent_as_nil(), f"{tool} sent the e-mail as xsi:nil")
        expect(contact("jdoe") == (email, "555-0172"), "an xsi:nil e-mail keeps the stored value")

    update("", "", "with empty strings")
    expect(contact("jdoe") == ("", ""), "empty strings clear both fields")

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

    expect(node(svc.LogOut(AuthenticationTicket=ticket)).get("success") == "true", "LogOut succeeds")
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

    user_management(c, user)
    print(f"{tool}: all steps passed")


def user_management(c, user):
    """CreateUser → GetUser → UpdateUserProfile → DeleteUser → GetUser, as admin."""
    svc, node, expect, tool = c.svc, c.node, c.expect, c.tool
    login = node(svc.AuthenticateUser(UID="admin", PWD="admin"))
    expect(login.get("success") == "true", "AuthenticateUser admin succeeds")
    ticket = login.get("ticket")
    name, renamed = f"{tool}.probe", f"{tool}.renamed"

    created = node(
        svc.CreateUser(
            AuthenticationTicket=ticket,
            DomainName="Engineering",
            UserName=name,
            FirstName="Probe",
            LastName=tool,
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

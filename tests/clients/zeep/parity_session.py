"""A zeep session for the parity kit (docs/parity.md): a client generated from the WSDL of
whatever server it is pointed at (through `asmx-emulator record`) calls the methods an
infoRouter-like service has, by position so the server's own parameter names are used.
It checks nothing: what the server answered is what `compare` is for.

Usage: parity_session.py <service URL ending in /srv.asmx>
Produced docs/parity-mono.md against the Mono ASMX oracle.
"""

import sys

from zeep import Client


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    svc = Client(f"{sys.argv[1]}?WSDL").service
    login = svc.AuthenticateUser("admin", "admin")
    node = getattr(login, "_value_1", login)
    node = next(v for v in node if hasattr(v, "get")) if isinstance(node, list) else node
    ticket = node.get("ticket")
    svc.isValidTicket(ticket)
    svc.GetUser(ticket, "jdoe")
    svc.UpdateUserContactInfo(ticket, "jdoe", "jdoe@parity.example.com", "555-0142")
    svc.GetUser(ticket, "jdoe")
    svc.LogOut(ticket)
    svc.isValidTicket(ticket)
    svc.AuthenticateUser("jdoe", "not-the-password")
    print("session done")


if __name__ == "__main__":
    main()

// A JAX-WS client that wsimport generated from the live WSDL (package `srvclient`, never
// committed: run.sh produces it on each run) runs the conformance scenario on the SOAP 1.1
// port and then on the SOAP 1.2 port.
//
// Usage: java Roundtrip <service URL ending in /srv.asmx>
// Prints one line per step and exits non-zero on the first surprise.

import java.net.URL;
import java.util.List;
import java.util.Map;

import javax.xml.ws.BindingProvider;
import javax.xml.ws.handler.MessageContext;
import javax.xml.ws.soap.SOAPBinding;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import srvclient.Srv;
import srvclient.SrvSoap;

public final class Roundtrip {
    private final SrvSoap svc;
    private final String tag;
    private final String prefix;
    private final String contentType;

    private Roundtrip(SrvSoap svc, String tag, String contentType) {
        this.svc = svc;
        this.tag = tag;
        this.prefix = "jaxws-" + tag;
        this.contentType = contentType;
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java Roundtrip <service URL ending in /srv.asmx>");
            System.exit(2);
        }
        try {
            scenario(args[0]);
        } catch (Exception e) {
            e.printStackTrace();
            System.out.println("jaxws: FAILED: " + e);
            System.exit(1);
        }
    }

    private static void scenario(String url) throws Exception {
        Srv service = new Srv(new URL(url + "?WSDL"));
        SrvSoap soap11 = service.getSrvSoap();
        SrvSoap soap12 = service.getSrvSoap12();
        String v11 = ((BindingProvider) soap11).getBinding().getBindingID();
        String v12 = ((BindingProvider) soap12).getBinding().getBindingID();
        expect(SOAPBinding.SOAP11HTTP_BINDING.equals(v11), "port srvSoap is bound to SOAP 1.1 (" + v11 + ")");
        expect(SOAPBinding.SOAP12HTTP_BINDING.equals(v12), "port srvSoap12 is bound to SOAP 1.2 (" + v12 + ")");
        new Roundtrip(soap11, "soap11", "text/xml; charset=utf-8").run();
        new Roundtrip(soap12, "soap12", "application/soap+xml; charset=utf-8").run();
        System.out.println("jaxws: all steps passed");
    }

    static void expect(boolean condition, String message) {
        if (!condition) {
            System.out.println("jaxws: FAILED: " + message);
            System.exit(1);
        }
        System.out.println("jaxws: ok: " + message);
    }

    private void check(boolean condition, String message) {
        expect(condition, "[" + tag + "] " + message);
    }

    /**
     * The XmlNode a method returned: JAX-WS maps the mixed `s:any` result to a class
     * whose `getContent()` lists text and DOM elements; the node is the one element.
     */
    static Element node(Object result) throws Exception {
        List<?> content = (List<?>) result.getClass().getMethod("getContent").invoke(result);
        Element found = null;
        for (Object item : content) {
            if (item instanceof Element) {
                if (found != null) {
                    throw new IllegalStateException("two elements in one result");
                }
                found = (Element) item;
            }
        }
        if (found == null) {
            throw new IllegalStateException("no element in the result: " + content);
        }
        return found;
    }

    /** The Content-Type of the port's last answer. */
    @SuppressWarnings("unchecked")
    private String lastContentType() {
        Map<?, ?> headers = (Map<?, ?>) ((BindingProvider) svc).getResponseContext()
                .get(MessageContext.HTTP_RESPONSE_HEADERS);
        for (Map.Entry<?, ?> header : headers.entrySet()) {
            if (header.getKey() != null && "content-type".equalsIgnoreCase(header.getKey().toString())) {
                return String.join(",", (List<String>) header.getValue());
            }
        }
        return null;
    }

    static Element child(Element parent, String name) {
        NodeList list = parent.getElementsByTagName(name);
        return list.getLength() == 0 ? null : (Element) list.item(0);
    }

    /** GetUser's `<User>`, or fails unless the call succeeded. */
    private Element user(String ticket, String name) throws Exception {
        Element response = node(svc.getUser(ticket, name));
        check(response.getTagName().equals("response") && "true".equals(response.getAttribute("success")),
                "GetUser " + name + " succeeds");
        return child(response, "User");
    }

    private void update(String ticket, String email, String mobile, String what) throws Exception {
        Element r = node(svc.updateUserContactInfo(ticket, "jdoe", email, mobile));
        check("true".equals(r.getAttribute("success")) && "".equals(r.getAttribute("error")),
                "UpdateUserContactInfo " + what);
    }

    private void run() throws Exception {
        Element login = node(svc.authenticateUser("jdoe", "jdoe"));
        check(login.getTagName().equals("root") && "true".equals(login.getAttribute("success"))
                && "3".equals(login.getAttribute("userid")), "AuthenticateUser jdoe succeeds");
        check(contentType.equals(lastContentType()), "the answer is " + contentType);
        String ticket = login.getAttribute("ticket");
        check(ticket.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                "the ticket is a lower-case GUID");

        Element before = user(ticket, "jdoe");
        check("jdoe".equals(before.getAttribute("UserName")) && "3".equals(before.getAttribute("UserID")),
                "GetUser shows jdoe");

        String email = prefix + "@example.com";
        update(ticket, email, "555-0170", "with both values");
        Element after = user(ticket, "jdoe");
        check(email.equals(after.getAttribute("Email")) && "555-0170".equals(after.getAttribute("MobileNumber")),
                "GetUser shows the update");

        // The parameter is minOccurs=0 and not nillable: JAXB leaves a null out.
        update(ticket, null, "555-0171", "with a null (omitted) e-mail");
        Element kept = user(ticket, "jdoe");
        check(email.equals(kept.getAttribute("Email")) && "555-0171".equals(kept.getAttribute("MobileNumber")),
                "a null e-mail keeps the stored value");

        update(ticket, "", "", "with empty strings");
        Element cleared = user(ticket, "jdoe");
        check("".equals(cleared.getAttribute("Email")) && "".equals(cleared.getAttribute("MobileNumber")),
                "empty strings clear both fields");

        Element denied = node(svc.updateUserContactInfo(ticket, "asmith", "x@example.com", "1"));
        check("false".equals(denied.getAttribute("success")) && "Access denied".equals(denied.getAttribute("error")),
                "jdoe updating asmith gets Access denied");
        check("alice.smith@example.com".equals(user(ticket, "asmith").getAttribute("Email")),
                "asmith is unchanged");

        Element out = node(svc.logOut(ticket));
        check("true".equals(out.getAttribute("success")), "LogOut succeeds");
        Element invalid = node(svc.isValidTicket(ticket));
        check("false".equals(invalid.getAttribute("success"))
                && "[901] Session expired or Invalid ticket".equals(invalid.getAttribute("error")),
                "isValidTicket after LogOut is [901]");
        Element wrong = node(svc.authenticateUser("jdoe", "not-the-password"));
        check("false".equals(wrong.getAttribute("success"))
                && "[900] Authentication failed".equals(wrong.getAttribute("error")),
                "a wrong password is [900]");

        userManagement();
    }

    /** CreateUser → GetUser → UpdateUserProfile → DeleteUser → GetUser, as admin. */
    private void userManagement() throws Exception {
        Element login = node(svc.authenticateUser("admin", "admin"));
        check("true".equals(login.getAttribute("success")), "AuthenticateUser admin succeeds");
        String ticket = login.getAttribute("ticket");
        String name = prefix + ".probe";
        String renamed = prefix + ".renamed";

        Element created = node(svc.createUser(ticket, "Engineering", name, "Probe", "Jaxws",
                name + "@example.com", "probe-secret", false, "native"));
        check("true".equals(created.getAttribute("success")) && created.getAttribute("id").matches("[1-9][0-9]*"),
                "CreateUser " + name + " returns an id");
        String id = created.getAttribute("id");

        Element fresh = user(ticket, name);
        check(id.equals(fresh.getAttribute("UserID")) && "Probe".equals(fresh.getAttribute("FirstName"))
                && (name + "@example.com").equals(fresh.getAttribute("Email"))
                && "Engineering".equals(fresh.getAttribute("Domain")),
                "GetUser shows the new user");

        Element profile = node(svc.updateUserProfile(ticket, name, renamed, "Renamed", "Probe", "native"));
        check("true".equals(profile.getAttribute("success")), "UpdateUserProfile renames the user");
        Element changed = user(ticket, renamed);
        check(id.equals(changed.getAttribute("UserID")) && renamed.equals(changed.getAttribute("UserName"))
                && "Renamed".equals(changed.getAttribute("FirstName")), "GetUser shows the new profile");

        Element deleted = node(svc.deleteUser(ticket, renamed));
        check("true".equals(deleted.getAttribute("success")), "DeleteUser succeeds");
        Element gone = node(svc.getUser(ticket, renamed));
        check("false".equals(gone.getAttribute("success")) && "User not found".equals(gone.getAttribute("error")),
                "GetUser after DeleteUser is User not found");
        check("true".equals(node(svc.logOut(ticket)).getAttribute("success")), "LogOut admin succeeds");
    }
}

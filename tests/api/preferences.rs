//! UpdateUserPreferences: a partial update from the `<Preferences>` XML string, read
//! safely, with clear errors for anything that is not a preferences element.

use crate::helpers::{response_error, spawn_app, Binding, TestApp, BINDINGS, P, RESPONSE_OK};

async fn update(app: &TestApp, binding: Binding, ticket: &str, user: &str, xml: P<'_>) -> String {
    app.node(
        binding,
        "UpdateUserPreferences",
        &[
            ("AuthenticationTicket", P::V(ticket)),
            ("UserName", P::V(user)),
            ("XmlPreferences", xml),
        ],
    )
    .await
}

/// The `<Preferences …/>` element GetUser shows for `user`.
async fn preferences(app: &TestApp, ticket: &str, user: &str) -> String {
    let node = app.get_user(ticket, user).await;
    let start = node.find("<Preferences ").expect("preferences");
    let end = node[start..].find("/>").expect("end") + start + 2;
    node[start..end].to_string()
}

const JDOE_DEFAULT: &str = "<Preferences Language=\"English\" DefaultPortal=\"\" ShowArchives=\"FALSE\" ShowHiddens=\"FALSE\" \
    NotificationType=\"INSTANT\" NotificationTypeId=\"1\" EmailType=\"HTML\" AttachDocumentToEmail=\"FALSE\" />";

#[actix_web::test]
async fn attributes_change_only_what_they_name_on_every_binding() {
    for binding in BINDINGS {
        let app = spawn_app().await;
        let t = app.login("jdoe", "jdoe").await;
        assert_eq!(preferences(&app, &t, "jdoe").await, JDOE_DEFAULT);
        let xml = "<Preferences EmailType=\"text\" Language=\"German\" AttachDocumentToEmail=\"True\" DefaultPortal=\"Finance &amp; Co\" \
                   ShowHiddens=\"1\" ShowArchives=\"false\" NotificationType=\"daily report\" />";
        assert_eq!(
            update(&app, binding, &t, "jdoe", P::V(xml)).await,
            RESPONSE_OK,
            "{binding:?}"
        );
        assert_eq!(
            preferences(&app, &t, "jdoe").await,
            "<Preferences Language=\"German\" DefaultPortal=\"Finance &amp; Co\" ShowArchives=\"FALSE\" ShowHiddens=\"TRUE\" \
             NotificationType=\"DAILY REPORT\" NotificationTypeId=\"2\" EmailType=\"TEXT\" AttachDocumentToEmail=\"TRUE\" />"
        );
        let xml = "<?xml version=\"1.0\"?><!-- only one --><Preferences ShowArchives=\"TRUE\" NotificationTypeId=\"0\" Unknown=\"x\" />";
        assert_eq!(
            update(&app, binding, &t, "jdoe", P::V(xml)).await,
            RESPONSE_OK
        );
        let now = preferences(&app, &t, "jdoe").await;
        assert!(
            now.contains(
                "Language=\"German\" DefaultPortal=\"Finance &amp; Co\" ShowArchives=\"TRUE\""
            ),
            "{now}"
        );
        assert!(
            now.contains("NotificationType=\"DAILY REPORT\""),
            "NotificationTypeId is ignored: {now}"
        );
    }
}

#[actix_web::test]
async fn the_legacy_child_element_form_is_accepted() {
    let app = spawn_app().await;
    let t = app.login("bwong", "bwong").await;
    let xml = "<Preferences><Language>Dutch</Language><DefaultPortal /><ShowArchives>True</ShowArchives>\
               <ShowHiddens>False</ShowHiddens><EmailType>HTML</EmailType><AttachDocumentToEmail>False</AttachDocumentToEmail>\
               <NotificationType>INSTANT</NotificationType></Preferences>";
    assert_eq!(
        update(&app, Binding::Post, &t, "bwong", P::V(xml)).await,
        RESPONSE_OK
    );
    assert_eq!(
        preferences(&app, &t, "bwong").await,
        "<Preferences Language=\"Dutch\" DefaultPortal=\"\" ShowArchives=\"TRUE\" ShowHiddens=\"FALSE\" \
         NotificationType=\"INSTANT\" NotificationTypeId=\"1\" EmailType=\"HTML\" AttachDocumentToEmail=\"FALSE\" />"
    );
}

#[actix_web::test]
async fn administrators_change_anyone_users_themselves() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let xml = P::V("<Preferences EmailType=\"TEXT\" />");
    for binding in BINDINGS {
        assert_eq!(
            update(&app, binding, &admin, "ID:4", xml).await,
            RESPONSE_OK
        );
        assert_eq!(
            update(&app, binding, &jdoe, "asmith", xml).await,
            response_error("Access denied")
        );
        assert_eq!(
            update(&app, binding, &jdoe, "nobody", xml).await,
            response_error("User not found")
        );
        assert_eq!(
            update(&app, binding, "", "jdoe", xml).await,
            response_error("[900] Authentication failed")
        );
    }
    assert!(preferences(&app, &admin, "asmith")
        .await
        .contains("EmailType=\"TEXT\""));
    assert_eq!(preferences(&app, &admin, "jdoe").await, JDOE_DEFAULT);
}

#[actix_web::test]
async fn null_keeps_everything_and_empty_is_a_required_parameter() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    for xml in [P::Nil, P::Omit] {
        assert_eq!(
            update(&app, Binding::Soap11, &t, "jdoe", xml).await,
            RESPONSE_OK
        );
    }
    for binding in BINDINGS {
        for xml in ["", "  "] {
            let node = update(&app, binding, &t, "jdoe", P::V(xml)).await;
            assert_eq!(
                node,
                response_error("[903]Required parameter.'xmlPreferences'"),
                "{binding:?}"
            );
        }
    }
    assert_eq!(preferences(&app, &t, "jdoe").await, JDOE_DEFAULT);
}

#[actix_web::test]
async fn bad_xml_and_bad_values_get_a_clear_error_and_change_nothing() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    let prefix = "SystemError:Invalid xmlPreferences: ";
    let cases = [
        ("<Preferences ShowHiddens=\"TRUE\"", None),
        ("not xml", Some("text outside the &lt;Preferences&gt; element (line 1, position 8)")),
        ("<Preferences>", Some("the &lt;Preferences&gt; element is not closed (line 1, position 14)")),
        ("<User />", Some("the root element must be &lt;Preferences&gt; (line 1, position 9)")),
        (
            "<!DOCTYPE Preferences [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Preferences Language=\"&x;\" />",
            Some("a DTD is not allowed (line 1, position 65)"),
        ),
        ("<Preferences><Language>&x;</Language></Preferences>", Some("unknown entity '&amp;x;' (line 1, position 27)")),
        ("<Preferences ShowHiddens=\"TRUE\" ShowHiddens=\"FALSE\" />", None),
        ("<Preferences ShowHiddens=\"yes\" />", Some("ShowHiddens must be true or false, not 'yes' (line 1, position 34)")),
        ("<Preferences EmailType=\"PDF\" />", Some("EmailType must be HTML or TEXT, not 'PDF' (line 1, position 32)")),
        (
            "<Preferences NotificationType=\"WEEKLY\" />",
            Some("NotificationType must be NONE, INSTANT or DAILY REPORT, not 'WEEKLY' (line 1, position 42)"),
        ),
        ("<Preferences Language=\" \" />", Some("Language cannot be empty (line 1, position 29)")),
    ];
    for binding in BINDINGS {
        for (xml, reason) in &cases {
            let node = update(&app, binding, &t, "jdoe", P::V(xml)).await;
            match reason {
                Some(reason) => assert_eq!(
                    node,
                    response_error(&format!("{prefix}{reason}")),
                    "{binding:?} {xml}"
                ),
                None => {
                    let expected = format!(
                        "<response success=\"false\" error=\"{prefix}not well-formed XML: "
                    );
                    assert!(node.starts_with(&expected), "{binding:?} {xml}: {node}");
                }
            }
        }
    }
    let xml = "<Preferences ShowHiddens=\"TRUE\" EmailType=\"PDF\" />";
    update(&app, Binding::Get, &t, "jdoe", P::V(xml)).await;
    assert_eq!(
        preferences(&app, &t, "jdoe").await,
        JDOE_DEFAULT,
        "a refused update changes nothing"
    );
}

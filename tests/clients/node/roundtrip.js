'use strict';
// A node-soap client generated from the live WSDL runs the conformance scenario on the
// srvSoap port (SOAP 1.1, node-soap's default).
//
// Usage: node roundtrip.js <service URL ending in /srv.asmx>
// Prints one line per step and exits non-zero on the first surprise.
// node-soap expresses null both ways: an absent key leaves the element out, `null`
// sends it with xsi:nil="true".

const soap = require('soap');

const TOOL = 'node';

function expect(condition, message) {
  if (!condition) {
    console.log(`${TOOL}: FAILED: ${message}`);
    process.exit(1);
  }
  console.log(`${TOOL}: ok: ${message}`);
}

// The XmlNode a method returned: node-soap parses the `s:any` result into an object
// keyed by the element name, with its XML attributes under `attributes`.
function node(result, method) {
  const value = result && result[`${method}Result`];
  const tag = value && Object.keys(value).find((k) => k === 'root' || k === 'response');
  if (!tag) {
    throw new Error(`no root or response element in ${JSON.stringify(result)}`);
  }
  const element = value[tag];
  return { tag, attrs: element.attributes || {}, element };
}

async function call(client, method, args) {
  const [result] = await client[`${method}Async`](args);
  return node(result, method);
}

async function main(url) {
  const client = await soap.createClientAsync(`${url}?WSDL`);
  const ports = Object.keys(client.describe().srv);
  expect(ports.includes('srvSoap'), `the WSDL's service has the srvSoap port (${ports.join(', ')})`);

  const login = await call(client, 'AuthenticateUser', { UID: 'jdoe', PWD: 'jdoe' });
  expect(login.tag === 'root' && login.attrs.success === 'true' && login.attrs.userid === '3',
    'AuthenticateUser jdoe succeeds');
  const ticket = login.attrs.ticket;
  expect(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(ticket), 'the ticket is a GUID');

  async function user(name, tkt = ticket) {
    const r = await call(client, 'GetUser', { AuthenticationTicket: tkt, UserName: name });
    expect(r.tag === 'response' && r.attrs.success === 'true', `GetUser ${name} succeeds`);
    return r.element.User.attributes;
  }

  const before = await user('jdoe');
  expect(before.UserName === 'jdoe' && before.UserID === '3', 'GetUser shows jdoe');

  async function update(args, what) {
    const r = await call(client, 'UpdateUserContactInfo',
      { authenticationTicket: ticket, userName: 'jdoe', ...args });
    expect(r.attrs.success === 'true' && r.attrs.error === '', `UpdateUserContactInfo ${what}`);
  }

  const email = `${TOOL}@example.com`;
  await update({ emailAddress: email, mobileNumber: '555-0170' }, 'with both values');
  let u = await user('jdoe');
  expect(u.Email === email && u.MobileNumber === '555-0170', 'GetUser shows the update');

  await update({ mobileNumber: '555-0171' }, 'without an e-mail key');
  expect(!client.lastRequest.includes('emailAddress'), 'node-soap left the e-mail out of the request');
  u = await user('jdoe');
  expect(u.Email === email && u.MobileNumber === '555-0171', 'an omitted e-mail keeps the stored value');

  await update({ emailAddress: null, mobileNumber: '555-0172' }, 'with a null e-mail');
  expect(/<emailAddress xsi:nil="true"/.test(client.lastRequest), 'node-soap sent the null e-mail as xsi:nil');
  u = await user('jdoe');
  expect(u.Email === email && u.MobileNumber === '555-0172', 'an xsi:nil e-mail keeps the stored value');

  await update({ emailAddress: '', mobileNumber: '' }, 'with empty strings');
  u = await user('jdoe');
  expect(u.Email === '' && u.MobileNumber === '', 'empty strings clear both fields');

  const denied = await call(client, 'UpdateUserContactInfo', {
    authenticationTicket: ticket, userName: 'asmith', emailAddress: 'x@example.com', mobileNumber: '1',
  });
  expect(denied.attrs.success === 'false' && denied.attrs.error === 'Access denied',
    'jdoe updating asmith gets Access denied');
  expect((await user('asmith')).Email === 'alice.smith@example.com', 'asmith is unchanged');

  const out = await call(client, 'LogOut', { AuthenticationTicket: ticket });
  expect(out.attrs.success === 'true', 'LogOut succeeds');
  const invalid = await call(client, 'isValidTicket', { AuthenticationTicket: ticket });
  expect(invalid.attrs.success === 'false' && invalid.attrs.error === '[901] Session expired or Invalid ticket',
    'isValidTicket after LogOut is [901]');
  const wrong = await call(client, 'AuthenticateUser', { UID: 'jdoe', PWD: 'not-the-password' });
  expect(wrong.attrs.success === 'false' && wrong.attrs.error === '[900] Authentication failed',
    'a wrong password is [900]');

  await userManagement(client, user);
  console.log(`${TOOL}: all steps passed`);
}

// CreateUser → GetUser → UpdateUserProfile → DeleteUser → GetUser, as admin.
async function userManagement(client, user) {
  const login = await call(client, 'AuthenticateUser', { UID: 'admin', PWD: 'admin' });
  expect(login.attrs.success === 'true', 'AuthenticateUser admin succeeds');
  const ticket = login.attrs.ticket;
  const name = `${TOOL}.probe`;
  const renamed = `${TOOL}.renamed`;

  const created = await call(client, 'CreateUser', {
    AuthenticationTicket: ticket,
    DomainName: 'Engineering',
    UserName: name,
    FirstName: 'Probe',
    LastName: TOOL,
    EmailAddress: `${name}@example.com`,
    Password: 'probe-secret',
    ReadOnlyUser: false,
    AuthenticationSource: 'native',
  });
  const id = created.attrs.id || '';
  expect(created.attrs.success === 'true' && /^[1-9][0-9]*$/.test(id), `CreateUser ${name} returns an id`);
  const fresh = await user(name, ticket);
  expect(fresh.UserID === id && fresh.FirstName === 'Probe' && fresh.Email === `${name}@example.com`
    && fresh.Domain === 'Engineering', 'GetUser shows the new user');

  const profile = await call(client, 'UpdateUserProfile', {
    AuthenticationTicket: ticket,
    UserName: name,
    NewUserName: renamed,
    NewFirstName: 'Renamed',
    NewLastName: 'Probe',
    AuthenticateSource: 'native',
  });
  expect(profile.attrs.success === 'true', 'UpdateUserProfile renames the user');
  const changed = await user(renamed, ticket);
  expect(changed.UserID === id && changed.UserName === renamed && changed.FirstName === 'Renamed',
    'GetUser shows the new profile');

  const deleted = await call(client, 'DeleteUser', { AuthenticationTicket: ticket, UserName: renamed });
  expect(deleted.attrs.success === 'true', 'DeleteUser succeeds');
  const gone = await call(client, 'GetUser', { AuthenticationTicket: ticket, UserName: renamed });
  expect(gone.attrs.success === 'false' && gone.attrs.error === 'User not found',
    'GetUser after DeleteUser is User not found');
  const out = await call(client, 'LogOut', { AuthenticationTicket: ticket });
  expect(out.attrs.success === 'true', 'LogOut admin succeeds');
}

if (process.argv.length !== 3) {
  console.error('usage: node roundtrip.js <service URL ending in /srv.asmx>');
  process.exit(2);
}
main(process.argv[2]).catch((e) => {
  console.log(`${TOOL}: FAILED: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});

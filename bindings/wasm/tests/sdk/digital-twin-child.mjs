// Run by sdk.test.mjs in a child process started with NODE_EXTRA_CA_CERTS (the one way to make
// @azure/ms-rest-js, under azure-iothub's DigitalTwinClient, trust the test certificate): calls getDigitalTwin
// on the fake hub at process.env.FAKE_HUB (127.0.0.1:port) and prints what the error carries and fromError says.
import { createRequire } from 'node:module';
import { fromError, errorFacts } from 'iothub-errors';

const require = createRequire(import.meta.url);
const { DigitalTwinClient, IoTHubTokenCredentials } = require('azure-iothub');

const key = Buffer.from('not-a-real-key-only-for-local-tests').toString('base64');
const credentials = new IoTHubTokenCredentials(`HostName=${process.env.FAKE_HUB};SharedAccessKeyName=iothubowner;SharedAccessKey=${key}`);
try {
  await new DigitalTwinClient(credentials).getDigitalTwin(process.env.TWIN_ID);
  console.log(JSON.stringify({ succeeded: true }));
} catch (error) {
  const headers = error.response?.headers;
  console.log(JSON.stringify({
    name: error.name,
    constructor: error.constructor?.name,
    statusCode: error.statusCode,
    headerViaGet: typeof headers?.get === 'function' ? headers.get('iothub-errorcode') : null,
    facts: errorFacts(error),
    finding: fromError(error),
  }));
}

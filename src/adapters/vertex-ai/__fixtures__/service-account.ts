import { exportPKCS8, generateKeyPair, type CryptoKey } from 'jose';

/**
 * A service-account key file shaped like the ones the Cloud console downloads
 * (https://cloud.google.com/iam/docs/keys-create-delete), with a key pair made for the test run:
 * no private key is committed, and the public half lets tests verify what the adapter signed.
 */
export interface TestServiceAccount {
  readonly json: Record<string, string>;
  readonly publicKey: CryptoKey;
}

export async function createTestServiceAccount(tokenUri: string): Promise<TestServiceAccount> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    publicKey,
    json: {
      type: 'service_account',
      project_id: 'tollgate-test',
      private_key_id: '4f9b2c1d0e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c',
      private_key: await exportPKCS8(privateKey),
      client_email: 'gateway@tollgate-test.iam.gserviceaccount.com',
      client_id: '109876543210987654321',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url:
        'https://www.googleapis.com/robot/v1/metadata/x509/gateway%40tollgate-test.iam.gserviceaccount.com',
      universe_domain: 'googleapis.com',
    },
  };
}

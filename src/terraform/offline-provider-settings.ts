/**
 * Fake credentials and the aws provider's skip settings: with them the provider plans without reaching
 * AWS (no credential check, no account lookup, no metadata service), and nothing it plans can be applied.
 * With no account id to check, a configured allowed_account_ids would refuse every plan, so it is lifted.
 */
export const OFFLINE_PROVIDER_SETTINGS = {
  allowed_account_ids: null,
  access_key: "AKIAOFFLINEPLAN00000",
  secret_key: "offline-plan-secret-key-not-used-for-anything",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
} as const;

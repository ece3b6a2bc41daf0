/** Who is calling: resolved by the `authenticate` stage. */
export interface Principal {
  /** `master`: the admin key; `virtual_key`: a key created through the API; `library`: in-process caller. */
  readonly kind: 'master' | 'virtual_key' | 'library';
  /** The virtual key's id (absent for master and library). */
  readonly keyId?: string | undefined;
  /** The key's team, if any. */
  readonly teamId?: string | undefined;
  /** Model groups this principal may use; undefined means all. */
  readonly allowedModels?: readonly string[] | undefined;
}

export const MASTER_PRINCIPAL: Principal = { kind: 'master' };
export const LIBRARY_PRINCIPAL: Principal = { kind: 'library' };

//! Why a Microsoft Entra ID sign-in was refused: one variant per refusal, each saying what to do.

/// The app roles an agent may hold, as their administrator assigns them in Entra ID.
pub const ROLE_NAMES: &str = "Duet.Agent, Duet.Supervisor or Duet.Admin";

/// Everything an Entra ID sign-in can fail with; the text tells the person what to do next and
/// never carries a secret, a code or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntraError {
    /// Entra ID sign-in is not set up on this Duet.
    #[error(
        "Sign in with Microsoft is not set up on this Duet: its administrator must set DUET_ENTRA_CLIENT_ID and DUET_ENTRA_CLIENT_SECRET (the app registration's client id and secret) , register the organisation with `duet tenant add`, then restart Duet"
    )]
    NotConfigured,
    /// Microsoft Entra ID could not be reached for `step`.
    #[error(
        "Microsoft Entra ID could not be reached ({0}): try again in a minute; if it keeps happening, Duet's administrator should check DUET_ENTRA_AUTHORITY and that Duet can reach it"
    )]
    ProviderUnreachable(&'static str),
    /// Microsoft Entra ID answered `step` with something Duet cannot read.
    #[error(
        "Microsoft Entra ID answered badly ({0}): try again in a minute; if it keeps happening, Duet's administrator should check DUET_ENTRA_AUTHORITY"
    )]
    ProviderAnsweredBadly(&'static str),
    /// Microsoft Entra ID refused the sign-in and said why (`error`, `error_description`).
    #[error(
        "Microsoft Entra ID refused the sign-in ({error}: {description}); start again with Sign in with Microsoft, or show this message to your administrator"
    )]
    ProviderRefused {
        /// The provider's error code.
        error: String,
        /// The provider's explanation.
        description: String,
    },
    /// The token endpoint would not redeem the code (`error`, `error_description`).
    #[error(
        "Microsoft Entra ID would not complete the sign-in ({error}: {description}): start again with Sign in with Microsoft; if it keeps happening, Duet's administrator should check DUET_ENTRA_CLIENT_ID and DUET_ENTRA_CLIENT_SECRET"
    )]
    CodeRefused {
        /// The provider's error code.
        error: String,
        /// The provider's explanation.
        description: String,
    },
    /// The callback's `state` is unknown, already used or older than ten minutes.
    #[error(
        "this sign-in is unknown, was already used, or is older than 10 minutes: start again with Sign in with Microsoft"
    )]
    UnknownState,
    /// The callback carries no code.
    #[error(
        "Microsoft Entra ID sent no sign-in code back: start again with Sign in with Microsoft"
    )]
    MissingCode,
    /// The identity token names another application as its audience.
    #[error(
        "the sign-in was issued for another application, not this Duet (wrong audience): Duet's administrator should check that DUET_ENTRA_CLIENT_ID is Duet's app registration"
    )]
    WrongAudience,
    /// The identity token was not issued by the expected Entra ID tenant authority.
    #[error(
        "the sign-in was not issued by the Microsoft Entra ID this Duet trusts (wrong issuer): start again with Sign in with Microsoft; Duet's administrator should check DUET_ENTRA_AUTHORITY"
    )]
    WrongIssuer,
    /// The identity token has expired or is not valid yet.
    #[error(
        "the sign-in has expired or is not valid yet: check this computer's clock and start again with Sign in with Microsoft"
    )]
    Expired,
    /// The identity token's signature does not verify against the provider's keys.
    #[error(
        "the sign-in's signature does not match Microsoft Entra ID's published keys (bad signature): start again with Sign in with Microsoft"
    )]
    BadSignature,
    /// The identity token names a signing key the provider does not publish.
    #[error(
        "the sign-in is signed with a key Microsoft Entra ID does not publish: wait a minute and start again with Sign in with Microsoft"
    )]
    UnknownKey,
    /// The identity token is not a JWT Duet can read, or lacks `tid` or `oid`.
    #[error(
        "Microsoft Entra ID returned an identity Duet cannot read: start again with Sign in with Microsoft, or show this message to your administrator"
    )]
    Malformed,
    /// The identity token's `nonce` is not this sign-in's.
    #[error(
        "the sign-in answer does not belong to this sign-in attempt (nonce mismatch): start again with Sign in with Microsoft"
    )]
    NonceMismatch,
    /// The user's Entra tenant is not registered with this Duet.
    #[error(
        "your organisation's Microsoft Entra tenant ({0}) is not registered with this Duet: your administrator must register it with `duet tenant add --entra-tenant {0}` before its agents can sign in"
    )]
    UnregisteredTenant(String),
    /// The user holds none of Duet's app roles.
    #[error(
        "your account has no Duet role: your administrator must assign one of {ROLE_NAMES} in Entra ID → Enterprise applications → Duet → Users and groups"
    )]
    NoRole,
}

/**
 * Generated from docs/openapi.json by `npm run docs:api`; do not edit by hand.
 */

export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Service health; `?deep=1` checks DynamoDB, SQS and SES
         * @description Public. Rate tier: `exempt`.
         */
        get: operations["health.get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * Liveness probe without a body
         * @description Public. Rate tier: `exempt`.
         */
        head: operations["health.head"];
        patch?: never;
        trace?: never;
    };
    "/api/csrf-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Issues a CSRF token and sets the `csrf-token` cookie
         * @description Public. Rate tier: `public`.
         */
        get: operations["csrf.token"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A small HTML status page
         * @description Public. Rate tier: `public`.
         */
        get: operations["status.page"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a user, organization and default workspace; starts a session
         * @description Public. Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `public`.
         */
        post: operations["auth.signup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in with email and password; sets the session cookie
         * @description Public. Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `public`.
         */
        post: operations["auth.login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End the current session
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["auth.logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller, their memberships and default workspace
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Rate tier: `authenticated`.
         */
        get: operations["auth.me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm an email address with the emailed token
         * @description Public. Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `public`.
         */
        post: operations["auth.verify-email"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Email a single-use password reset token
         * @description Public. Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `email`.
         */
        post: operations["auth.reset-request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with a reset token
         * @description Public. Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `public`.
         */
        post: operations["auth.reset-confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller’s active sessions
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Rate tier: `authenticated`.
         */
        get: operations["sessions.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sessions/{sessionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke one of the caller’s sessions
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["sessions.revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller’s trusted devices
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Rate tier: `authenticated`.
         */
        get: operations["devices.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/devices/{deviceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Forget a trusted device
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["devices.forget"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/security/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller’s API keys with `api-keys:read`, or the workspace’s with `api-keys:read-all` (prefix only)
         * @description Open to any member of the workspace (a session, or an API key within its scopes). The operation decides from the caller’s permissions, as the summary says (else 403 `PERMISSION_DENIED`). Rate tier: `authenticated`.
         */
        get: operations["api-keys.list"];
        put?: never;
        /**
         * Create an API key; the raw key is shown once
         * @description Needs `api-keys:create` in the workspace, from a session only: it widens access or mints a credential (API keys get 403 `API_KEY_NOT_ALLOWED`). It hands out access: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["api-keys.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/security/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key: one the caller created (signed in), or with `api-keys:revoke` anyone’s
         * @description Open to any member of the workspace (a session, or an API key within its scopes). The operation decides from the caller’s permissions, as the summary says (else 403 `PERMISSION_DENIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["api-keys.revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/security/audit-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit entries, filtered and paginated
         * @description Needs `audit:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["audit.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/security/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Security alerts of the workspace
         * @description Needs `alerts:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["alerts.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/security/alerts/{alertId}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge an alert
         * @description Needs `alerts:manage` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["alerts.acknowledge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/security/alerts/{alertId}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resolve an alert
         * @description Needs `alerts:manage` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["alerts.resolve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Settings of the workspace over the global defaults, by key, paged (secrets masked)
         * @description Needs `settings:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["settings.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set a setting; secret values are encrypted
         * @description Needs `settings:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        put: operations["settings.put"];
        post?: never;
        /**
         * Remove a setting
         * @description Needs `settings:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["settings.delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workspaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Workspaces the caller belongs to
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Rate tier: `authenticated`.
         */
        get: operations["workspaces.list"];
        put?: never;
        /**
         * Create a workspace in an organization the caller owns
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["workspaces.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workspaces/{workspaceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One workspace
         * @description Needs `workspace:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["workspaces.get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Rename a workspace
         * @description Needs `workspace:update` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        patch: operations["workspaces.update"];
        trace?: never;
    };
    "/api/workspaces/{workspaceId}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Members and their roles
         * @description Needs `members:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["members.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workspaces/{workspaceId}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a member
         * @description Needs `members:remove` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["members.remove"];
        options?: never;
        head?: never;
        /**
         * Change a member’s role
         * @description Needs `members:update` in the workspace, from a session only: it widens access or mints a credential (API keys get 403 `API_KEY_NOT_ALLOWED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        patch: operations["members.update"];
        trace?: never;
    };
    "/api/workspaces/{workspaceId}/invites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Pending invites
         * @description Needs `members:invite` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["invites.list"];
        put?: never;
        /**
         * Invite someone by email
         * @description Needs `members:invite` in the workspace, from a session only: it widens access or mints a credential (API keys get 403 `API_KEY_NOT_ALLOWED`). It hands out access: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `email`.
         */
        post: operations["invites.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workspaces/{workspaceId}/invites/{inviteId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Withdraw a pending invite; its link stops working
         * @description Needs `members:invite` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["invites.revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invites/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invite with its emailed token
         * @description A session only (API keys get 403 `API_KEY_NOT_ALLOWED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["invites.accept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workspaces/{workspaceId}/roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Built-in and custom roles
         * @description Needs `roles:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["roles.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workspaces/{workspaceId}/roles/{roleName}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create or change a custom role
         * @description Needs `roles:manage` in the workspace, from a session only: it widens access or mints a credential (API keys get 403 `API_KEY_NOT_ALLOWED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        put: operations["roles.put"];
        post?: never;
        /**
         * Delete an unused custom role
         * @description Needs `roles:manage` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["roles.delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a contact (409 on a duplicate email)
         * @description Needs `contacts:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["contacts.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List contacts: filters and cursor pagination
         * @description Needs `contacts:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["contacts.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * CSV export of a filtered list
         * @description Needs `contacts:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["contacts.export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * CSV import (at most 1 MB, 1,000,000 bytes, and 10,000 rows); upserts by email
         * @description Needs `contacts:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Body limit: 1,000,000 bytes; a larger body is a 413. Rate tier: `authenticated`.
         */
        post: operations["contacts.import"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One contact
         * @description Needs `contacts:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["contacts.get"];
        put?: never;
        post?: never;
        /**
         * Soft-delete a contact
         * @description Needs `contacts:delete` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["contacts.delete"];
        options?: never;
        head?: never;
        /**
         * Change a contact
         * @description Needs `contacts:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        patch: operations["contacts.update"];
        trace?: never;
    };
    "/api/contacts/{id}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a deleted contact
         * @description Needs `contacts:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["contacts.restore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/{id}/interactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record an interaction; scores it
         * @description Needs `contacts:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["interactions.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Interactions, newest first
         * @description Needs `contacts:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["contacts.timeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/{id}/consent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Consent given and withdrawn, oldest first: cursor pagination
         * @description Needs `contacts:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["contacts.consent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/{id}/score": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Score, tier, groups and the ledger
         * @description Needs `scoring:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["scores.get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/hot-leads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Contacts in the hot tier, best first
         * @description Needs `scoring:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["scores.hot-leads"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scoring/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The workspace’s scoring rules
         * @description Needs `scoring:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["scoring-rules.get"];
        /**
         * Replace the rules; recomputes in the background
         * @description Needs `scoring:manage` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        put: operations["scoring-rules.put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/emails/send": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue a one-off email (202 with its send id)
         * @description Needs `emails:send` in the workspace (a session, or an API key within its scopes). It sends mail: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `email`.
         */
        post: operations["emails.send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/u/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Unsubscribe page with a confirm button (HTML)
         * @description Public. Rate tier: `link`.
         */
        get: operations["unsubscribe.page"];
        put?: never;
        /**
         * RFC 8058 one-click unsubscribe: honoured at once
         * @description Public. Body limit: 4,096 bytes (4 KiB); a larger body is a 413. Rate tier: `link`.
         */
        post: operations["unsubscribe.confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/t/o/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Open pixel: a 1x1 GIF, whatever the token
         * @description Public. Rate tier: `link`.
         */
        get: operations["tracking.open"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/t/c/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tracked link: 302 to its sealed target
         * @description Public. Rate tier: `link`.
         */
        get: operations["tracking.click"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * A link checker probing a tracked link
         * @description Public. Rate tier: `link`.
         */
        head: operations["tracking.click-check"];
        patch?: never;
        trace?: never;
    };
    "/api/email-templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List live templates, paged
         * @description Needs `templates:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["email-templates.list"];
        put?: never;
        /**
         * Create a template (version 1)
         * @description Needs `templates:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["email-templates.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/email-templates/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A template’s latest version (`?version=N` for an older one)
         * @description Needs `templates:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["email-templates.get"];
        /**
         * Save a new version (If-Match: the version it replaces)
         * @description Needs `templates:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        put: operations["email-templates.update"];
        post?: never;
        /**
         * Soft-delete a template
         * @description Needs `templates:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["email-templates.delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/email-templates/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Render a template for a contact, with its lint findings
         * @description Needs `templates:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["email-templates.preview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/email-templates/{id}/send": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Broadcast a template to the workspace’s contacts (202, fanned out in the background)
         * @description Needs `emails:send` in the workspace (a session, or an API key within its scopes). It sends mail: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `email`.
         */
        post: operations["email-templates.send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/email-broadcasts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A broadcast’s progress
         * @description Needs `templates:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["email-broadcasts.get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/emails/sending": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether marketing sends are paused (why, since when) and the reputation window’s counts and rates
         * @description Needs `emails:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["email-sending.status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/emails/sending/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume paused marketing sends (a person’s decision; audited)
         * @description Needs `emails:manage` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["email-sending.resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hooks/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resend webhook (Svix-signed): queued for the event processor
         * @description Public. Body limit: 262,144 bytes (256 KiB); a larger body is a 413. Rate tier: `exempt`.
         */
        post: operations["hooks.resend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a draft campaign (journey + rules)
         * @description Needs `campaigns:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List campaigns, optionally by status
         * @description Needs `campaigns:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["campaigns.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One campaign with its draft
         * @description Needs `campaigns:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["campaigns.get"];
        put?: never;
        post?: never;
        /**
         * Archive a campaign
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["campaigns.delete"];
        options?: never;
        head?: never;
        /**
         * Edit the draft (the next version)
         * @description Needs `campaigns:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        patch: operations["campaigns.update"];
        trace?: never;
    };
    "/api/campaigns/{id}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Freeze the draft as a version
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). It sends mail: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.publish"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/nodes/{nodeId}/promote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Promote the winner of an A/B node: every new arrival takes that arm or subject variant
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.promote"];
        /**
         * Undo a promotion: new arrivals are split again
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        delete: operations["campaigns.unpromote"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/nodes/{nodeId}/ai-drafts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An email node's AI drafts (newest first), its approval and whether it may be published
         * @description Needs `campaigns:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["campaigns.ai-drafts.list"];
        put?: never;
        /**
         * Write an AI draft of an email node's copy (aiCopy), linted; 201
         * @description Needs `ai:use` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `ai`.
         */
        post: operations["campaigns.ai-drafts.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/nodes/{nodeId}/ai-drafts/{draftId}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve an AI draft, optionally edited: linted (422), then written into the node's template
         * @description Needs `campaigns:write` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Body limit: 262,144 bytes (256 KiB); a larger body is a 413. Rate tier: `authenticated`.
         */
        post: operations["campaigns.ai-drafts.approve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause: timers are held
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.pause"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused campaign
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). It sends mail: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Archive: running enrolments end
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.archive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/enrol": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enrol contacts by id, or every contact matching a filter (a launch, 202; idempotent by client key)
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). It sends mail: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.enrol"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/launches/{launchId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Progress of a launch
         * @description Needs `campaigns:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["campaigns.launch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/launches/{launchId}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a failed launch at its first page not counted (202)
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). It sends mail: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.launch-resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/enrolments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Enrolments of a campaign
         * @description Needs `campaigns:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["campaigns.enrolments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Counters per campaign, node and arm
         * @description Needs `campaigns:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["campaigns.stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/enrolments/{contactId}/exit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End one enrolment now
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.exit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/enrolments/{contactId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give a failed enrolment another go at the node it failed on
         * @description Needs `campaigns:launch` in the workspace (a session, or an API key within its scopes). It sends mail: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.retry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/webhook-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new webhook token (shown once; the old one stops working)
         * @description Needs `campaigns:launch` in the workspace, from a session only: it widens access or mints a credential (API keys get 403 `API_KEY_NOT_ALLOWED`). It hands out access: the caller’s own email address must be verified (else 403 `EMAIL_NOT_VERIFIED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.webhook-token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/campaigns/{id}/signing-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new secret that webhook actions are signed with (shown once; the old one stops signing)
         * @description Needs `campaigns:write` in the workspace, from a session only: it widens access or mints a credential (API keys get 403 `API_KEY_NOT_ALLOWED`). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `authenticated`.
         */
        post: operations["campaigns.signing-secret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hooks/campaigns/{id}/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Webhook trigger: enrol the contact named by email or contactId (202)
         * @description Public. Body limit: 4,096 bytes (4 KiB); a larger body is a 413. Rate tier: `hook`.
         */
        post: operations["hooks.campaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contacts/{id}/enrolments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A contact’s enrolments across campaigns
         * @description Needs `campaigns:read` in the workspace (a session, or an API key within its scopes). Rate tier: `authenticated`.
         */
        get: operations["contacts.enrolments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ai/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue an agent call (202; idempotent by client key)
         * @description Needs `ai:use` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `ai`.
         */
        post: operations["ai.calls.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ai/calls/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A queued call: status, provider, usage, output or failure
         * @description Needs `ai:read` in the workspace (a session, or an API key within its scopes). Rate tier: `ai`.
         */
        get: operations["ai.calls.get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ai/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run an agent now, with a short deadline
         * @description Needs `ai:use` in the workspace (a session, or an API key within its scopes). Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt). Rate tier: `ai`.
         */
        post: operations["ai.preview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ai/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This month's AI usage per agent, the budgets and the reset date
         * @description Needs `ai:read` in the workspace (a session, or an API key within its scopes). Rate tier: `ai`.
         */
        get: operations["ai.usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            /** @description HTTP reason, e.g. Forbidden */
            error: string;
            message: string;
            /** @description Stable machine-readable code, e.g. CSRF_TOKEN_INVALID */
            code: string;
            requestId: string;
            /** @description Per-field problems for VALIDATION_FAILED; context for some conflicts */
            details?: unknown;
        };
        "campaigns.create.body.__schema0": ({
            /** @constant */
            type: "field";
            field: string;
            /** @enum {string} */
            op: "equals" | "not-equals" | "contains" | "exists" | "missing" | "greater-than" | "less-than";
            value?: string | number | boolean;
        } | {
            /** @constant */
            type: "tag";
            tag: string;
            /** @default true */
            has?: boolean;
        } | {
            /** @constant */
            type: "score";
            min?: number;
            max?: number;
            tiers?: ("hot" | "warm" | "lukewarm" | "cold")[];
        } | {
            /** @constant */
            type: "interaction";
            /** @enum {string} */
            interaction: "email_sent" | "email_delivered" | "email_opened" | "email_clicked" | "email_replied" | "email_bounced" | "email_complained" | "unsubscribed" | "page_visit" | "form_submit" | "note" | "call" | "meeting";
            withinDays: number;
            /** @default 1 */
            atLeast?: number;
        } | {
            /** @constant */
            type: "email-activity";
            node: string;
            /** @enum {string} */
            activity: "opened" | "clicked";
        }) | {
            /** @constant */
            type: "all";
            of: components["schemas"]["campaigns.create.body.__schema0"][];
        } | {
            /** @constant */
            type: "any";
            of: components["schemas"]["campaigns.create.body.__schema0"][];
        } | {
            /** @constant */
            type: "not";
            of: components["schemas"]["campaigns.create.body.__schema0"];
        };
        "campaigns.update.body.__schema0": ({
            /** @constant */
            type: "field";
            field: string;
            /** @enum {string} */
            op: "equals" | "not-equals" | "contains" | "exists" | "missing" | "greater-than" | "less-than";
            value?: string | number | boolean;
        } | {
            /** @constant */
            type: "tag";
            tag: string;
            /** @default true */
            has?: boolean;
        } | {
            /** @constant */
            type: "score";
            min?: number;
            max?: number;
            tiers?: ("hot" | "warm" | "lukewarm" | "cold")[];
        } | {
            /** @constant */
            type: "interaction";
            /** @enum {string} */
            interaction: "email_sent" | "email_delivered" | "email_opened" | "email_clicked" | "email_replied" | "email_bounced" | "email_complained" | "unsubscribed" | "page_visit" | "form_submit" | "note" | "call" | "meeting";
            withinDays: number;
            /** @default 1 */
            atLeast?: number;
        } | {
            /** @constant */
            type: "email-activity";
            node: string;
            /** @enum {string} */
            activity: "opened" | "clicked";
        }) | {
            /** @constant */
            type: "all";
            of: components["schemas"]["campaigns.update.body.__schema0"][];
        } | {
            /** @constant */
            type: "any";
            of: components["schemas"]["campaigns.update.body.__schema0"][];
        } | {
            /** @constant */
            type: "not";
            of: components["schemas"]["campaigns.update.body.__schema0"];
        };
    };
    responses: {
        /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No session cookie or API key, or one that has expired, was revoked or never existed. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such record in the workspace, or a workspace the caller is not a member of. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body is larger than the route accepts (1 MB, 1,000,000 bytes, unless the route says less: what one Lambda invocation can always carry). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body has a media type the route does not accept (JSON unless it says otherwise), or names a charset the API cannot read (`details.charset`; labels of the WHATWG Encoding Standard are read). */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Over the route’s rate tier (or an AI budget); try again after `Retry-After` seconds. */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A bug: logged in full; quote the request id when reporting it. */
        InternalServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Overloaded (a store throttled, or the deadline passed), the edge could not read what it verifies requests with, or a change was saved but its events could not be sent (`EVENTS_UNAVAILABLE`: repeating the request sends them); try again after `Retry-After` seconds. */
        ServiceUnavailable: {
            headers: {
                /** @description Seconds to wait */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    "health.get": {
        parameters: {
            query?: {
                deep?: "0" | "1" | "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy or degraded (an unhealthy report answers 503 with the same body) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "healthy",
                     *       "timestamp": "2026-01-15T09:30:00.000Z",
                     *       "uptime": 42.5,
                     *       "environment": "local",
                     *       "version": "0.1.0",
                     *       "checks": {
                     *         "dynamodb": {
                     *           "status": "ok",
                     *           "latencyMs": 4
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** @enum {string} */
                        status: "healthy" | "degraded" | "unhealthy";
                        /** Format: date-time */
                        timestamp: string;
                        uptime: number;
                        environment: string;
                        version: string;
                        checks: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "ok" | "error";
                                latencyMs: number;
                                message?: string;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "health.head": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive (no body) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "csrf.token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token to send as `x-csrf-token`; also set as the `csrf-token` cookie */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "token": "9f2c4e7a1b3d5f6081a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708",
                     *       "headerName": "x-csrf-token"
                     *     }
                     */
                    "application/json": {
                        token: string;
                        /** @constant */
                        headerName: "x-csrf-token";
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "status.page": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A small HTML page naming the service, its version and stage */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example <!doctype html><title>unite-hub</title> */
                    "text/html": string;
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "auth.signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "fuzz-1@example.com",
                 *       "password": "a sturdy fuzzing passphrase",
                 *       "name": "Fuzz",
                 *       "organizationName": "Fuzz org"
                 *     }
                 */
                "application/json": {
                    email: string;
                    password: string;
                    name: string;
                    organizationName?: string;
                };
            };
        };
        responses: {
            /** @description Signed up and signed in: the `session` cookie is set */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "user": {
                     *         "userId": "_3NUxW9yL0F0SWL5KwWwzA",
                     *         "email": "ada@example.com",
                     *         "name": "Ada",
                     *         "emailVerified": false,
                     *         "defaultWorkspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       },
                     *       "organization": {
                     *         "organizationId": "IwH4ayz_RkYRpBn6yd2MTg",
                     *         "name": "Analytical",
                     *         "ownerUserId": "_3NUxW9yL0F0SWL5KwWwzA",
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       },
                     *       "workspace": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "organizationId": "IwH4ayz_RkYRpBn6yd2MTg",
                     *         "name": "Analytical workspace",
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       },
                     *       "csrfToken": "b45f0cdc5c2e7723eee39b975b4be3b202c4c7d543f7a89e4f14c2b15087f8eb"
                     *     }
                     */
                    "application/json": {
                        user: {
                            userId: string;
                            email: string;
                            name: string;
                            emailVerified: boolean;
                            defaultWorkspaceId?: string;
                            /** Format: date-time */
                            createdAt?: string;
                        } & {
                            [key: string]: unknown;
                        };
                        organization: {
                            organizationId: string;
                            name: string;
                            ownerUserId: string;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                        workspace: {
                            workspaceId: string;
                            organizationId: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                        /** @description The session’s CSRF token: send it as `x-csrf-token` on state-changing calls */
                        csrfToken: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `WEAK_PASSWORD`, `PASSWORD_TOO_WEAK`, `INVALID_EMAIL`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: components["responses"]["Forbidden"];
            /** @description The current state or version does not allow the change. Codes: `EMAIL_TAKEN`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Over the route’s rate tier (or an AI budget); try again after `Retry-After` seconds. Besides those (`#/components/responses/TooManyRequests`: `RATE_LIMITED`), this route answers `SERVER_BUSY`. */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "auth.login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ada@example.com",
                 *       "password": "correct horse battery staple"
                 *     }
                 */
                "application/json": {
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Signed in: the `session` cookie is set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "user": {
                     *         "userId": "_3NUxW9yL0F0SWL5KwWwzA",
                     *         "email": "ada@example.com",
                     *         "name": "Ada",
                     *         "emailVerified": false,
                     *         "defaultWorkspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       },
                     *       "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *       "csrfToken": "b45f0cdc5c2e7723eee39b975b4be3b202c4c7d543f7a89e4f14c2b15087f8eb"
                     *     }
                     */
                    "application/json": {
                        user: {
                            userId: string;
                            email: string;
                            name: string;
                            emailVerified: boolean;
                            defaultWorkspaceId?: string;
                            /** Format: date-time */
                            createdAt?: string;
                        } & {
                            [key: string]: unknown;
                        };
                        workspaceId: string;
                        /** @description The session’s CSRF token: send it as `x-csrf-token` on state-changing calls */
                        csrfToken: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credentials or the signature the route checks are not valid. Codes: `INVALID_CREDENTIALS`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Over the route’s rate tier (or an AI budget); try again after `Retry-After` seconds. Besides those (`#/components/responses/TooManyRequests`: `RATE_LIMITED`), this route answers `LOGIN_THROTTLED`, `ACCOUNT_LOCKED`, `SERVER_BUSY`. */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "auth.logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out: the session is ended and its cookie cleared */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "auth.me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The signed-in user and the first page (100) of the workspaces they belong to; `membershipsNextCursor`, when more follow, continues with `GET /api/workspaces?cursor=` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "user": {
                     *         "userId": "_3NUxW9yL0F0SWL5KwWwzA",
                     *         "email": "ada@example.com",
                     *         "name": "Ada",
                     *         "emailVerified": true
                     *       },
                     *       "memberships": [
                     *         {
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "organizationId": "IwH4ayz_RkYRpBn6yd2MTg",
                     *           "role": "owner",
                     *           "workspaceName": "Analytical workspace"
                     *         }
                     *       ],
                     *       "defaultWorkspaceId": "LR9T7An3VR1XFGxzO7xAJg"
                     *     }
                     */
                    "application/json": {
                        user: {
                            userId: string;
                            email: string;
                            name: string;
                            emailVerified: boolean;
                            defaultWorkspaceId?: string;
                            /** Format: date-time */
                            createdAt?: string;
                        } & {
                            [key: string]: unknown;
                        };
                        memberships: ({
                            workspaceId: string;
                            organizationId: string;
                            role: string;
                            workspaceName?: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        membershipsNextCursor?: string;
                        defaultWorkspaceId?: string;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "auth.verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
                 *     }
                 */
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description The address is verified */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `TOKEN_INVALID`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "auth.reset-request": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ada@example.com"
                 *     }
                 */
                "application/json": {
                    email: string;
                };
            };
        };
        responses: {
            /** @description The same answer whether or not the address has an account */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "message": "If an account uses this address, a reset link is on its way"
                     *     }
                     */
                    "application/json": {
                        message: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "auth.reset-confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
                 *       "password": "another sturdy passphrase"
                 *     }
                 */
                "application/json": {
                    token: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description The password is changed; other sessions end */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `WEAK_PASSWORD`, `PASSWORD_TOO_WEAK`, `TOKEN_INVALID`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Over the route’s rate tier (or an AI budget); try again after `Retry-After` seconds. Besides those (`#/components/responses/TooManyRequests`: `RATE_LIMITED`), this route answers `SERVER_BUSY`. */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "sessions.list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user’s live sessions, newest first (at most 100, the current one always); `current` marks the caller’s, `moreActive` counts the live ones left out */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "sessions": [
                     *         {
                     *           "id": "uVkYvdvlZSiMxUBhbInvbw",
                     *           "ip": "203.0.113.7",
                     *           "userAgent": "Mozilla/5.0",
                     *           "createdAt": "2026-01-15T09:30:00.000Z",
                     *           "lastSeenAt": "2026-01-15T09:30:00.000Z",
                     *           "expiresAt": "2026-01-22T09:30:00.000Z",
                     *           "current": true
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        moreActive?: number;
                        sessions: ({
                            id: string;
                            ip?: string;
                            userAgent?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            lastSeenAt: string;
                            /** Format: date-time */
                            expiresAt: string;
                            current: boolean;
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "sessions.revoke": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sessionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session is ended */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `SESSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "devices.list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The devices the user signed in from; `current` marks the caller’s */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "devices": [
                     *         {
                     *           "deviceId": "a983fee6808d26730c4b761d7b78c670d4ea5a52a8ded9f459ba2f6d5e561081",
                     *           "userAgent": "Mozilla/5.0",
                     *           "firstSeenAt": "2026-01-15T09:30:00.000Z",
                     *           "lastSeenAt": "2026-01-15T09:30:00.000Z",
                     *           "lastIp": "203.0.113.7",
                     *           "current": true
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        devices: ({
                            deviceId: string;
                            userAgent?: string;
                            /** Format: date-time */
                            firstSeenAt: string;
                            /** Format: date-time */
                            lastSeenAt: string;
                            lastIp?: string;
                            current: boolean;
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "devices.forget": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The device is no longer trusted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `DEVICE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "api-keys.list": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller’s API keys, or every key of the workspace with `api-keys:read-all` (never their secret) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "apiKeys": [
                     *         {
                     *           "keyId": "k_7Qm2",
                     *           "name": "Zapier",
                     *           "prefix": "uh_3f9a",
                     *           "scopes": [
                     *             "contacts:read"
                     *           ],
                     *           "createdAt": "2026-01-15T09:30:00.000Z",
                     *           "createdBy": "_3NUxW9yL0F0SWL5KwWwzA",
                     *           "usageCount": 12,
                     *           "isActive": true
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        apiKeys: ({
                            keyId: string;
                            name: string;
                            prefix: string;
                            scopes: string[];
                            /** Format: date-time */
                            createdAt: string;
                            isActive?: boolean;
                            /** Format: date-time */
                            lastUsedAt?: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "api-keys.create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "fuzz key",
                 *       "scopes": [
                 *         "contacts:read"
                 *       ]
                 *     }
                 */
                "application/json": {
                    name: string;
                    scopes: ("workspace:read" | "workspace:update" | "members:read" | "members:invite" | "members:update" | "members:remove" | "roles:read" | "roles:manage" | "api-keys:read" | "api-keys:read-all" | "api-keys:create" | "api-keys:revoke" | "audit:read" | "alerts:read" | "alerts:manage" | "settings:read" | "settings:write" | "contacts:read" | "contacts:write" | "contacts:delete" | "scoring:read" | "scoring:manage" | "campaigns:read" | "campaigns:write" | "campaigns:launch" | "emails:send" | "templates:read" | "templates:write" | "emails:read" | "emails:manage" | "ai:read" | "ai:use")[];
                };
            };
        };
        responses: {
            /** @description The new key: `key` is shown this once (send it as `Authorization: Bearer uh_…`) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "key": "uh_3f9a0c1d2e3f4a5b6c7d8e9f0a1b2c3d",
                     *       "apiKey": {
                     *         "keyId": "k_7Qm2",
                     *         "name": "Zapier",
                     *         "prefix": "uh_3f9a",
                     *         "scopes": [
                     *           "contacts:read"
                     *         ],
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        /** Format: starts_with */
                        key: string;
                        apiKey: {
                            keyId: string;
                            name: string;
                            prefix: string;
                            scopes: string[];
                            /** Format: date-time */
                            createdAt: string;
                            isActive?: boolean;
                            /** Format: date-time */
                            lastUsedAt?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `SCOPE_NOT_HELD`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description The current state or version does not allow the change. Codes: `API_KEY_LIMIT`, `CONCURRENT_CHANGE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "api-keys.revoke": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key stops working at once */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `API_KEY_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "audit.list": {
        parameters: {
            query?: {
                eventType?: string;
                actorId?: string;
                apiKeyId?: string;
                resourceType?: string;
                resourceId?: string;
                from?: string;
                to?: string;
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Audit entries, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "entries": [
                     *         {
                     *           "id": "e471bcfd-ef36-4977-86aa-eb64e3cf611f",
                     *           "createdAt": "2026-01-15T09:30:00.000Z",
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "eventType": "auth.login",
                     *           "eventAction": "login",
                     *           "actorType": "user",
                     *           "actorId": "_3NUxW9yL0F0SWL5KwWwzA",
                     *           "ip": "203.0.113.7"
                     *         },
                     *         {
                     *           "id": "0c2f6a51-3b7e-4d0a-9c1e-5f8b2a7d4e36",
                     *           "createdAt": "2026-01-15T09:30:00.000Z",
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "eventType": "settings.put",
                     *           "eventAction": "PUT",
                     *           "actorType": "user",
                     *           "actorId": "_3NUxW9yL0F0SWL5KwWwzA",
                     *           "apiKeyId": "k_7Qm2",
                     *           "resourceType": "settings",
                     *           "resourceId": "email.postal_address",
                     *           "ip": "203.0.113.7"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        entries: ({
                            id: string;
                            /** Format: date-time */
                            createdAt: string;
                            eventType: string;
                            actorType: string;
                            actorId?: string;
                            apiKeyId?: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`, `INVALID_RANGE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "alerts.list": {
        parameters: {
            query?: {
                status?: "open" | "acknowledged" | "resolved";
                severity?: "info" | "low" | "medium" | "high" | "critical";
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Security alerts, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "alerts": [
                     *         {
                     *           "id": "a-19f2",
                     *           "alertType": "new_device",
                     *           "severity": "low",
                     *           "title": "Sign-in from a new device",
                     *           "metadata": {},
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "status": "open",
                     *           "resolved": false,
                     *           "createdAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        alerts: ({
                            id: string;
                            alertType: string;
                            /** @enum {string} */
                            severity: "info" | "low" | "medium" | "high" | "critical";
                            title: string;
                            status: string;
                            resolved: boolean;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "alerts.acknowledge": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                alertId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The alert, acknowledged or resolved */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "alert": {
                     *         "id": "a-19f2",
                     *         "alertType": "new_device",
                     *         "severity": "low",
                     *         "title": "Sign-in from a new device",
                     *         "metadata": {},
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "status": "acknowledged",
                     *         "resolved": false,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "acknowledgedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        alert: {
                            id: string;
                            alertType: string;
                            /** @enum {string} */
                            severity: "info" | "low" | "medium" | "high" | "critical";
                            title: string;
                            status: string;
                            resolved: boolean;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `ALERT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "alerts.resolve": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                alertId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The alert, acknowledged or resolved */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "alert": {
                     *         "id": "a-19f2",
                     *         "alertType": "new_device",
                     *         "severity": "low",
                     *         "title": "Sign-in from a new device",
                     *         "metadata": {},
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "status": "acknowledged",
                     *         "resolved": false,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "acknowledgedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        alert: {
                            id: string;
                            alertType: string;
                            /** @enum {string} */
                            severity: "info" | "low" | "medium" | "high" | "critical";
                            title: string;
                            status: string;
                            resolved: boolean;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `ALERT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "settings.list": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the workspace’s settings over the global defaults it does not override, by key (secret values masked); `nextCursor` continues */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "settings": [
                     *         {
                     *           "key": "email.postal_address",
                     *           "scope": "workspace",
                     *           "isSecret": false,
                     *           "value": "1 Main Street, Springfield",
                     *           "updatedAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        settings: ({
                            key: string;
                            scope: string;
                            isSecret: boolean;
                            value: unknown;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "settings.put": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "value": {
                 *         "plan": "pro",
                 *         "seats": 3,
                 *         "ratio": 0.5,
                 *         "list": [
                 *           1,
                 *           "two",
                 *           true
                 *         ],
                 *         "nested": {
                 *           "n": 7
                 *         }
                 *       }
                 *     }
                 */
                "application/json": {
                    /** @description Any JSON value */
                    value: unknown;
                    isSecret?: boolean;
                };
            };
        };
        responses: {
            /** @description The setting as saved */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "setting": {
                     *         "key": "email.postal_address",
                     *         "scope": "workspace",
                     *         "isSecret": false,
                     *         "value": "1 Main Street, Springfield",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        setting: {
                            key: string;
                            scope: string;
                            isSecret: boolean;
                            value: unknown;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_SETTING_KEY`, `INVALID_SETTING_VALUE`, `SETTING_NOT_SECRET`, `SETTING_TOO_LARGE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The current state or version does not allow the change. Codes: `SETTINGS_LIMIT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "settings.delete": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The setting is gone */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_SETTING_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `SETTING_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "workspaces.list": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the workspaces the caller belongs to, by workspace id, with their role in each (`limit` 1-100, default 100); `nextCursor` continues, absent on the last page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "workspaces": [
                     *         {
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "organizationId": "IwH4ayz_RkYRpBn6yd2MTg",
                     *           "name": "Analytical workspace",
                     *           "role": "owner"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        workspaces: ({
                            workspaceId: string;
                            organizationId: string;
                            name: string;
                            role: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "workspaces.create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Fuzz workspace",
                 *       "organizationId": "o_8hN2cR5wQe4mJs6T"
                 *     }
                 */
                "application/json": {
                    name: string;
                    organizationId?: string;
                };
            };
        };
        responses: {
            /** @description The new workspace (the caller is its owner) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "workspace": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "organizationId": "IwH4ayz_RkYRpBn6yd2MTg",
                     *         "name": "Analytical workspace",
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        workspace: {
                            workspaceId: string;
                            organizationId: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `ORGANIZATION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `WORKSPACE_LIMIT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "workspaces.get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The workspace, the caller’s role in it and what that role may do */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "workspace": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "organizationId": "IwH4ayz_RkYRpBn6yd2MTg",
                     *         "name": "Analytical workspace",
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       },
                     *       "role": "owner",
                     *       "permissions": [
                     *         "workspace:read",
                     *         "contacts:read"
                     *       ]
                     *     }
                     */
                    "application/json": {
                        workspace: {
                            workspaceId: string;
                            organizationId: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                        role: string;
                        permissions: string[];
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "workspaces.update": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspaceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Fuzz workspace"
                 *     }
                 */
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description The workspace, renamed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "workspace": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "organizationId": "IwH4ayz_RkYRpBn6yd2MTg",
                     *         "name": "Analytical workspace",
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        workspace: {
                            workspaceId: string;
                            organizationId: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "members.list": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: never;
            path: {
                workspaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the workspace’s members, by user id (`limit` 1-100, default 100); `nextCursor` continues, absent on the last page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "members": [
                     *         {
                     *           "userId": "_3NUxW9yL0F0SWL5KwWwzA",
                     *           "email": "ada@example.com",
                     *           "name": "Ada",
                     *           "role": "owner",
                     *           "joinedAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        members: ({
                            userId: string;
                            email?: string;
                            name?: string;
                            role: string;
                            /** Format: date-time */
                            joinedAt: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "members.remove": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspaceId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed; their API keys in the workspace are revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `OWNER_IMMUTABLE`, `MEMBER_OUTRANKS_YOU`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `MEMBER_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CONCURRENT_CHANGE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "members.update": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspaceId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "role": "member"
                 *     }
                 */
                "application/json": {
                    role: string;
                };
            };
        };
        responses: {
            /** @description The member with their new role */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "member": {
                     *         "userId": "_3NUxW9yL0F0SWL5KwWwzA",
                     *         "role": "admin"
                     *       }
                     *     }
                     */
                    "application/json": {
                        member: {
                            userId: string;
                            role: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `UNKNOWN_ROLE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `OWNER_IMMUTABLE`, `MEMBER_OUTRANKS_YOU`, `ROLE_EXCEEDS_YOURS`, `OWNER_NOT_ASSIGNABLE`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `MEMBER_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CONCURRENT_CHANGE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "invites.list": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: never;
            path: {
                workspaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the pending, unexpired invites, oldest first (`limit` 1-100, default 100; their tokens are never shown again); `nextCursor` continues, absent on the last page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "invites": [
                     *         {
                     *           "inviteId": "k3J8",
                     *           "email": "grace@example.com",
                     *           "role": "member",
                     *           "expiresAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        invites: ({
                            email: string;
                            role: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "invites.create": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspaceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "invitee-1@example.com",
                 *       "role": "member"
                 *     }
                 */
                "application/json": {
                    email: string;
                    role: string;
                };
            };
        };
        responses: {
            /** @description The invite; the link is mailed to the address (`mailSent: false` when the mail could not be sent: withdraw the invite and invite again) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "invite": {
                     *         "inviteId": "k3J8",
                     *         "email": "grace@example.com",
                     *         "role": "member",
                     *         "expiresAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        invite: {
                            email: string;
                            role: string;
                            mailSent?: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `UNKNOWN_ROLE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `ROLE_EXCEEDS_YOURS`, `OWNER_NOT_ASSIGNABLE`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description The current state or version does not allow the change. Codes: `ALREADY_MEMBER`, `INVITE_PENDING`, `CONCURRENT_CHANGE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "invites.revoke": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspaceId: string;
                inviteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The invite no longer works */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `INVITE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `INVITE_ALREADY_ACCEPTED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "invites.accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
                 *     }
                 */
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description The caller’s new membership */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "membership": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "organizationId": "IwH4ayz_RkYRpBn6yd2MTg",
                     *         "role": "member"
                     *       }
                     *     }
                     */
                    "application/json": {
                        membership: {
                            workspaceId: string;
                            role: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVITE_INVALID`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `INVITE_EMAIL_MISMATCH`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `INVITE_NOT_ACCEPTED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The record existed but was withdrawn; its link will never work again. Codes: `INVITE_REVOKED`. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "roles.list": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: never;
            path: {
                workspaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Built-in roles (first page only), then a page of custom roles by name (`limit` 1-100, default 100; a workspace keeps at most 50), with their permissions; `nextCursor` continues, absent on the last page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "roles": [
                     *         {
                     *           "name": "owner",
                     *           "builtin": true,
                     *           "permissions": [
                     *             "workspace:read",
                     *             "contacts:read"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        roles: ({
                            name: string;
                            permissions: string[];
                            builtin?: boolean;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "roles.put": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspaceId: string;
                roleName: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "permissions": [
                 *         "contacts:read"
                 *       ]
                 *     }
                 */
                "application/json": {
                    permissions: ("workspace:read" | "workspace:update" | "members:read" | "members:invite" | "members:update" | "members:remove" | "roles:read" | "roles:manage" | "api-keys:read" | "api-keys:read-all" | "api-keys:create" | "api-keys:revoke" | "audit:read" | "alerts:read" | "alerts:manage" | "settings:read" | "settings:write" | "contacts:read" | "contacts:write" | "contacts:delete" | "scoring:read" | "scoring:manage" | "campaigns:read" | "campaigns:write" | "campaigns:launch" | "emails:send" | "templates:read" | "templates:write" | "emails:read" | "emails:manage" | "ai:read" | "ai:use")[];
                };
            };
        };
        responses: {
            /** @description The custom role as saved */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "role": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "name": "helper",
                     *         "permissions": [
                     *           "contacts:read"
                     *         ],
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        role: {
                            name: string;
                            permissions: string[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_ROLE_NAME`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `ROLE_EXCEEDS_YOURS`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description The current state or version does not allow the change. Codes: `CONCURRENT_CHANGE`, `ROLE_LIMIT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "roles.delete": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspaceId: string;
                roleName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The custom role is gone */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `ROLE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `ROLE_IN_USE`, `CONCURRENT_CHANGE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "contact-1@example.com",
                 *       "firstName": "Ada",
                 *       "lastName": "Lovelace",
                 *       "phone": "+61412345678",
                 *       "company": "Analytical Engines",
                 *       "jobTitle": "Founder",
                 *       "status": "lead",
                 *       "tags": [
                 *         "vip"
                 *       ],
                 *       "customFields": {
                 *         "plan": "pro",
                 *         "seats": 3,
                 *         "ratio": 0.25,
                 *         "active": true
                 *       },
                 *       "ownerUserId": "u_3fK9x2LqVt7bYp1Z"
                 *     }
                 */
                "application/json": {
                    firstName?: string;
                    lastName?: string;
                    email: string;
                    phone?: string;
                    company?: string;
                    jobTitle?: string;
                    /** @enum {string} */
                    status?: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                    tags?: string[];
                    customFields?: {
                        [key: string]: string | number | boolean;
                    };
                    ownerUserId?: string;
                    consent?: {
                        /** @enum {string} */
                        source: "api" | "import" | "form" | "event" | "manual" | "other";
                        /** Format: date-time */
                        at?: string;
                    };
                };
            };
        };
        responses: {
            /** @description The new contact */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "contact": {
                     *         "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "firstName": "Ada",
                     *         "email": "ada@example.com",
                     *         "status": "lead",
                     *         "tags": [
                     *           "vip"
                     *         ],
                     *         "customFields": {
                     *           "seats": 4
                     *         },
                     *         "score": 0,
                     *         "tier": "cold",
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        contact: {
                            contactId: string;
                            workspaceId: string;
                            firstName?: string;
                            lastName?: string;
                            email: string;
                            phone?: string;
                            company?: string;
                            jobTitle?: string;
                            /** @enum {string} */
                            status: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                            tags: string[];
                            customFields: {
                                [key: string]: string | number | boolean;
                            };
                            ownerUserId?: string;
                            score: number;
                            /** @enum {string} */
                            tier: "hot" | "warm" | "lukewarm" | "cold";
                            /** Format: date-time */
                            lastInteractionAt?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** Format: date-time */
                            deletedAt?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `CONSENT_IN_FUTURE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The current state or version does not allow the change. Codes: `CONTACT_EMAIL_TAKEN`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.list": {
        parameters: {
            query?: {
                status?: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                tag?: string;
                minScore?: number | string;
                maxScore?: number | string;
                tier?: "hot" | "warm" | "lukewarm" | "cold";
                q?: string;
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of contacts; pass `nextCursor` as `cursor` for the next one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "contacts": [
                     *         {
                     *           "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "firstName": "Ada",
                     *           "email": "ada@example.com",
                     *           "status": "lead",
                     *           "tags": [
                     *             "vip"
                     *           ],
                     *           "customFields": {
                     *             "seats": 4
                     *           },
                     *           "score": 0,
                     *           "tier": "cold",
                     *           "createdAt": "2026-01-15T09:30:00.000Z",
                     *           "updatedAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "nextCursor": "eyJrIjoiLi4uIn0"
                     *     }
                     */
                    "application/json": {
                        contacts: ({
                            contactId: string;
                            workspaceId: string;
                            firstName?: string;
                            lastName?: string;
                            email: string;
                            phone?: string;
                            company?: string;
                            jobTitle?: string;
                            /** @enum {string} */
                            status: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                            tags: string[];
                            customFields: {
                                [key: string]: string | number | boolean;
                            };
                            ownerUserId?: string;
                            score: number;
                            /** @enum {string} */
                            tier: "hot" | "warm" | "lukewarm" | "cold";
                            /** Format: date-time */
                            lastInteractionAt?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** Format: date-time */
                            deletedAt?: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.export": {
        parameters: {
            query?: {
                status?: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                tag?: string;
                minScore?: number | string;
                maxScore?: number | string;
                tier?: "hot" | "warm" | "lukewarm" | "cold";
                q?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The matching contacts as CSV (header row first); `x-total-count` gives the count */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example email,firstName,lastName
                     *     ada@example.com,Ada,Lovelace
                     */
                    "text/csv": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.import": {
        parameters: {
            query?: {
                consentSource?: "api" | "import" | "form" | "event" | "manual" | "other";
                consentAt?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "text/csv": string;
                "text/plain": string;
            };
        };
        responses: {
            /** @description What the import did, row by row for the failures */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "rows": 2,
                     *       "created": 1,
                     *       "updated": 0,
                     *       "unchanged": 0,
                     *       "failed": 1,
                     *       "errors": [
                     *         {
                     *           "line": 3,
                     *           "errors": [
                     *             {
                     *               "field": "email",
                     *               "message": "Not a valid email address"
                     *             }
                     *           ]
                     *         }
                     *       ],
                     *       "durationMs": 31
                     *     }
                     */
                    "application/json": {
                        rows: number;
                        created: number;
                        updated: number;
                        unchanged: number;
                        failed: number;
                        errors: ({
                            line: number;
                            errors: ({
                                field: string;
                                message: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        })[];
                        durationMs: number;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `CONSENT_IN_FUTURE`, `IMPORT_BAD_HEADER`, `IMPORT_EMPTY`, `IMPORT_TOO_LARGE`, `IMPORT_TOO_WIDE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The contact */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "contact": {
                     *         "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "firstName": "Ada",
                     *         "email": "ada@example.com",
                     *         "status": "lead",
                     *         "tags": [
                     *           "vip"
                     *         ],
                     *         "customFields": {
                     *           "seats": 4
                     *         },
                     *         "score": 0,
                     *         "tier": "cold",
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        contact: {
                            contactId: string;
                            workspaceId: string;
                            firstName?: string;
                            lastName?: string;
                            email: string;
                            phone?: string;
                            company?: string;
                            jobTitle?: string;
                            /** @enum {string} */
                            status: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                            tags: string[];
                            customFields: {
                                [key: string]: string | number | boolean;
                            };
                            ownerUserId?: string;
                            score: number;
                            /** @enum {string} */
                            tier: "hot" | "warm" | "lukewarm" | "cold";
                            /** Format: date-time */
                            lastInteractionAt?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** Format: date-time */
                            deletedAt?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.delete": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (restorable) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.update": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "firstName": "Ada",
                 *       "tags": [
                 *         "vip",
                 *         "b"
                 *       ],
                 *       "customFields": {
                 *         "seats": 4,
                 *         "ratio": 0.5
                 *       }
                 *     }
                 */
                "application/json": {
                    firstName?: string | null;
                    lastName?: string | null;
                    email?: string;
                    phone?: string | null;
                    company?: string | null;
                    jobTitle?: string | null;
                    /** @enum {string} */
                    status?: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                    tags?: string[];
                    customFields?: {
                        [key: string]: string | number | boolean;
                    };
                    ownerUserId?: string | null;
                };
            };
        };
        responses: {
            /** @description The contact */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "contact": {
                     *         "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "firstName": "Ada",
                     *         "email": "ada@example.com",
                     *         "status": "lead",
                     *         "tags": [
                     *           "vip"
                     *         ],
                     *         "customFields": {
                     *           "seats": 4
                     *         },
                     *         "score": 0,
                     *         "tier": "cold",
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        contact: {
                            contactId: string;
                            workspaceId: string;
                            firstName?: string;
                            lastName?: string;
                            email: string;
                            phone?: string;
                            company?: string;
                            jobTitle?: string;
                            /** @enum {string} */
                            status: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                            tags: string[];
                            customFields: {
                                [key: string]: string | number | boolean;
                            };
                            ownerUserId?: string;
                            score: number;
                            /** @enum {string} */
                            tier: "hot" | "warm" | "lukewarm" | "cold";
                            /** Format: date-time */
                            lastInteractionAt?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** Format: date-time */
                            deletedAt?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `CONSENT_IN_FUTURE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CONTACT_EMAIL_TAKEN`, `CONTACT_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.restore": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The contact */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "contact": {
                     *         "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "firstName": "Ada",
                     *         "email": "ada@example.com",
                     *         "status": "lead",
                     *         "tags": [
                     *           "vip"
                     *         ],
                     *         "customFields": {
                     *           "seats": 4
                     *         },
                     *         "score": 0,
                     *         "tier": "cold",
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        contact: {
                            contactId: string;
                            workspaceId: string;
                            firstName?: string;
                            lastName?: string;
                            email: string;
                            phone?: string;
                            company?: string;
                            jobTitle?: string;
                            /** @enum {string} */
                            status: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                            tags: string[];
                            customFields: {
                                [key: string]: string | number | boolean;
                            };
                            ownerUserId?: string;
                            score: number;
                            /** @enum {string} */
                            tier: "hot" | "warm" | "lukewarm" | "cold";
                            /** Format: date-time */
                            lastInteractionAt?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** Format: date-time */
                            deletedAt?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CONTACT_EMAIL_TAKEN`, `CONTACT_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "interactions.create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "type": "email_opened",
                 *       "interactionId": "fuzz-1",
                 *       "metadata": {
                 *         "campaign": "spring",
                 *         "count": 2,
                 *         "weight": 0.75,
                 *         "tags": [
                 *           1,
                 *           2.5,
                 *           "x"
                 *         ],
                 *         "nested": {
                 *           "depth": 1
                 *         }
                 *       }
                 *     }
                 */
                "application/json": {
                    /** @enum {string} */
                    type: "email_sent" | "email_delivered" | "email_opened" | "email_clicked" | "email_replied" | "email_bounced" | "email_complained" | "unsubscribed" | "page_visit" | "form_submit" | "note" | "call" | "meeting";
                    /** Format: date-time */
                    occurredAt?: string;
                    metadata?: {
                        [key: string]: unknown;
                    };
                    interactionId?: string;
                };
            };
        };
        responses: {
            /** @description The interaction and the score it moved (a replay of the same key answers the same) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "interaction": {
                     *         "interactionId": "ef4ad7db-bb54-4414-ba57-ef7825931c4c",
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *         "type": "email_opened",
                     *         "occurredAt": "2026-01-15T09:30:00.000Z",
                     *         "metadata": {},
                     *         "source": "_3NUxW9yL0F0SWL5KwWwzA"
                     *       },
                     *       "score": {
                     *         "score": 23,
                     *         "tier": "cold",
                     *         "previousScore": 0,
                     *         "previousTier": "cold"
                     *       }
                     *     }
                     */
                    "application/json": {
                        interaction: {
                            interactionId: string;
                            workspaceId: string;
                            contactId: string;
                            type: string;
                            /** Format: date-time */
                            occurredAt: string;
                            metadata: {
                                [key: string]: unknown;
                            };
                            source?: string;
                        } & {
                            [key: string]: unknown;
                        };
                        score?: {
                            score: number;
                            /** @enum {string} */
                            tier: "hot" | "warm" | "lukewarm" | "cold";
                            previousScore?: number;
                            /** @enum {string} */
                            previousTier?: "hot" | "warm" | "lukewarm" | "cold";
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INTERACTION_IN_FUTURE`, `INVALID_IDEMPOTENCY_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `IDEMPOTENCY_IN_PROGRESS`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Well-formed, but not to be carried out: an Idempotency-Key already used with another request, or copy that fails the lint. Codes: `IDEMPOTENCY_KEY_REUSED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.timeline": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Interactions, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "interactions": [
                     *         {
                     *           "interactionId": "ef4ad7db-bb54-4414-ba57-ef7825931c4c",
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *           "type": "email_opened",
                     *           "occurredAt": "2026-01-15T09:30:00.000Z",
                     *           "metadata": {},
                     *           "source": "_3NUxW9yL0F0SWL5KwWwzA"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        interactions: ({
                            interactionId: string;
                            workspaceId: string;
                            contactId: string;
                            type: string;
                            /** Format: date-time */
                            occurredAt: string;
                            metadata: {
                                [key: string]: unknown;
                            };
                            source?: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.consent": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of consent given and withdrawn, oldest first; pass `nextCursor` as `cursor` for the next one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "consent": [
                     *         {
                     *           "consentId": "52558a5f-5b15-4772-80e2-08970d728cd0",
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *           "action": "given",
                     *           "source": "form",
                     *           "at": "2026-01-15T09:30:00.000Z",
                     *           "recordedAt": "2026-01-15T09:30:00.000Z",
                     *           "ip": "203.0.113.7"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        consent: ({
                            consentId: string;
                            workspaceId: string;
                            contactId: string;
                            /** @enum {string} */
                            action: "given" | "withdrawn";
                            source: string;
                            /** Format: date-time */
                            at: string;
                            /** Format: date-time */
                            recordedAt: string;
                            ip?: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "scores.get": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The score, its tier and groups, and the ledger that explains it (newest first, a page) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *       "score": 23,
                     *       "tier": "cold",
                     *       "model": "rules",
                     *       "groups": {
                     *         "fit": 50,
                     *         "engagement": 5
                     *       },
                     *       "asOf": "2026-01-15T09:30:00.000Z",
                     *       "rulesVersion": 0,
                     *       "ledger": [
                     *         {
                     *           "at": "2026-01-15T09:30:00.000Z",
                     *           "interactionId": "ef4ad7db-bb54-4414-ba57-ef7825931c4c",
                     *           "ruleId": "email-opened",
                     *           "rule": "email_opened +5",
                     *           "group": "engagement",
                     *           "points": 5,
                     *           "scoreBefore": 20,
                     *           "scoreAfter": 23
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        contactId: string;
                        score: number;
                        tier: string;
                        model: string;
                        groups: {
                            [key: string]: number;
                        };
                        /** Format: date-time */
                        asOf?: string;
                        rulesVersion: number;
                        ledger: ({
                            /** Format: date-time */
                            at: string;
                            ruleId?: string;
                            rule?: string;
                            points: number;
                            scoreAfter?: number;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "scores.hot-leads": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Contacts in the hot tier, best first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "contacts": [
                     *         {
                     *           "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "firstName": "Ada",
                     *           "email": "ada@example.com",
                     *           "status": "lead",
                     *           "tags": [
                     *             "vip"
                     *           ],
                     *           "customFields": {
                     *             "seats": 4
                     *           },
                     *           "score": 91,
                     *           "tier": "hot",
                     *           "createdAt": "2026-01-15T09:30:00.000Z",
                     *           "updatedAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        contacts: ({
                            contactId: string;
                            workspaceId: string;
                            firstName?: string;
                            lastName?: string;
                            email: string;
                            phone?: string;
                            company?: string;
                            jobTitle?: string;
                            /** @enum {string} */
                            status: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                            tags: string[];
                            customFields: {
                                [key: string]: string | number | boolean;
                            };
                            ownerUserId?: string;
                            score: number;
                            /** @enum {string} */
                            tier: "hot" | "warm" | "lukewarm" | "cold";
                            /** Format: date-time */
                            lastInteractionAt?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** Format: date-time */
                            deletedAt?: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "scoring-rules.get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rules in force and their version (send it back as `expectedVersion`) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "version": 0,
                     *       "rules": {
                     *         "interactionRules": [
                     *           {
                     *             "id": "email-opened",
                     *             "type": "email_opened",
                     *             "points": 5,
                     *             "maxPerDay": 15,
                     *             "repeatable": true,
                     *             "group": "engagement"
                     *           }
                     *         ]
                     *       }
                     *     }
                     */
                    "application/json": {
                        version: number;
                        rules: {
                            interactionRules: ({
                                id: string;
                                points: number;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "scoring-rules.put": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "rules": {
                 *         "interactionRules": [
                 *           {
                 *             "id": "email-opened",
                 *             "type": "email_opened",
                 *             "points": 5,
                 *             "maxPerDay": 15,
                 *             "repeatable": true,
                 *             "group": "engagement"
                 *           },
                 *           {
                 *             "id": "email-clicked",
                 *             "type": "email_clicked",
                 *             "points": 10,
                 *             "maxPerDay": 50,
                 *             "repeatable": true,
                 *             "group": "engagement"
                 *           },
                 *           {
                 *             "id": "email-replied",
                 *             "type": "email_replied",
                 *             "points": 20,
                 *             "repeatable": true,
                 *             "group": "engagement"
                 *           },
                 *           {
                 *             "id": "form-submit",
                 *             "type": "form_submit",
                 *             "points": 15,
                 *             "repeatable": true,
                 *             "group": "engagement"
                 *           },
                 *           {
                 *             "id": "meeting",
                 *             "type": "meeting",
                 *             "points": 25,
                 *             "repeatable": true,
                 *             "group": "engagement"
                 *           },
                 *           {
                 *             "id": "call",
                 *             "type": "call",
                 *             "points": 10,
                 *             "repeatable": true,
                 *             "group": "engagement"
                 *           },
                 *           {
                 *             "id": "page-visit",
                 *             "type": "page_visit",
                 *             "points": 2,
                 *             "maxPerDay": 10,
                 *             "maxTotal": 40,
                 *             "repeatable": true,
                 *             "group": "engagement"
                 *           },
                 *           {
                 *             "id": "email-bounced",
                 *             "type": "email_bounced",
                 *             "points": -10,
                 *             "maxTotal": 30,
                 *             "repeatable": true,
                 *             "group": "engagement"
                 *           },
                 *           {
                 *             "id": "unsubscribed",
                 *             "type": "unsubscribed",
                 *             "points": -50,
                 *             "repeatable": false,
                 *             "group": "engagement"
                 *           }
                 *         ],
                 *         "profileRules": [
                 *           {
                 *             "id": "senior-title",
                 *             "field": "jobTitle",
                 *             "operator": "contains",
                 *             "value": [
                 *               "ceo",
                 *               "cto",
                 *               "cfo",
                 *               "coo",
                 *               "cmo",
                 *               "founder",
                 *               "owner",
                 *               "president",
                 *               "vp",
                 *               "vice president",
                 *               "director",
                 *               "head"
                 *             ],
                 *             "points": 40,
                 *             "group": "fit"
                 *           },
                 *           {
                 *             "id": "manager-title",
                 *             "field": "jobTitle",
                 *             "operator": "contains",
                 *             "value": "manager",
                 *             "points": 20,
                 *             "group": "fit"
                 *           },
                 *           {
                 *             "id": "has-company",
                 *             "field": "company",
                 *             "operator": "exists",
                 *             "points": 20,
                 *             "group": "fit"
                 *           },
                 *           {
                 *             "id": "company-size",
                 *             "field": "customFields.companySize",
                 *             "operator": "gte",
                 *             "value": 50,
                 *             "points": 20,
                 *             "group": "fit"
                 *           },
                 *           {
                 *             "id": "has-phone",
                 *             "field": "phone",
                 *             "operator": "exists",
                 *             "points": 10,
                 *             "group": "fit"
                 *           },
                 *           {
                 *             "id": "has-title",
                 *             "field": "jobTitle",
                 *             "operator": "exists",
                 *             "points": 10,
                 *             "group": "fit"
                 *           }
                 *         ],
                 *         "weights": {
                 *           "engagement": 0.6,
                 *           "fit": 0.4
                 *         },
                 *         "tiers": {
                 *           "hot": 80,
                 *           "warm": 60,
                 *           "lukewarm": 40
                 *         },
                 *         "aiTiers": {
                 *           "hot": 70,
                 *           "warm": 60,
                 *           "lukewarm": 40
                 *         },
                 *         "decay": {
                 *           "halfLifeDays": 13.862943611198904,
                 *           "floor": 5
                 *         }
                 *       }
                 *     }
                 */
                "application/json": {
                    rules: {
                        interactionRules: {
                            id: string;
                            /** @enum {string} */
                            type: "email_sent" | "email_delivered" | "email_opened" | "email_clicked" | "email_replied" | "email_bounced" | "email_complained" | "unsubscribed" | "page_visit" | "form_submit" | "note" | "call" | "meeting";
                            points: number;
                            maxPerDay?: number;
                            maxTotal?: number;
                            repeatable: boolean;
                            group: string;
                            description?: string;
                        }[];
                        profileRules: {
                            id: string;
                            field: string;
                            /** @enum {string} */
                            operator: "contains" | "equals" | "exists" | "in" | "gte" | "lte";
                            value?: (string | number | boolean) | string[];
                            points: number;
                            /**
                             * @default fit
                             * @constant
                             */
                            group?: "fit";
                            description?: string;
                        }[];
                        weights: {
                            [key: string]: number;
                        };
                        tiers: {
                            hot: number;
                            warm: number;
                            lukewarm: number;
                        };
                        aiTiers: {
                            hot: number;
                            warm: number;
                            lukewarm: number;
                        };
                        decay: {
                            halfLifeDays: number;
                            floor: number;
                        };
                    };
                    expectedVersion?: number;
                };
            };
        };
        responses: {
            /** @description The new version; scores are recomputed in the background */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "version": 1,
                     *       "recompute": {
                     *         "jobId": "19af6934-5cca-4d42-ab01-6d0d12705ba4"
                     *       }
                     *     }
                     */
                    "application/json": {
                        version: number;
                        recompute?: {
                            jobId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The current state or version does not allow the change. Codes: `RULES_VERSION_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "emails.send": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "to": "fuzz-1@example.com",
                 *       "subject": "Fuzzed hello",
                 *       "html": "<p>Hello {{ contact.email }}</p>",
                 *       "category": "transactional"
                 *     }
                 */
                "application/json": {
                    to?: string;
                    contactId?: string;
                    subject: string;
                    html: string;
                    text?: string;
                    /** @enum {string} */
                    category: "transactional" | "marketing";
                } | {
                    to?: string;
                    contactId?: string;
                    templateId: string;
                    version?: number;
                };
            };
        };
        responses: {
            /** @description Queued for sending; the send id names it in events and the timeline */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "sendId": "4fa21f70-c6a0-420a-8f85-6cb8f32c9b83"
                     *     }
                     */
                    "application/json": {
                        sendId: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_IDEMPOTENCY_KEY`, `TEMPLATE_INVALID`, `POSTAL_ADDRESS_MISSING`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Well-formed, but not to be carried out: an Idempotency-Key already used with another request, or copy that fails the lint. Codes: `IDEMPOTENCY_KEY_REUSED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "unsubscribe.page": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page that asks to confirm (a link scanner’s GET changes nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example <!doctype html><form method="post">…</form> */
                    "text/html": string;
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_UNSUBSCRIBE_TOKEN`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "unsubscribe.confirm": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/x-www-form-urlencoded": string;
                "multipart/form-data": string;
                /**
                 * @example {
                 *       "List-Unsubscribe": "One-Click"
                 *     }
                 */
                "application/json": unknown;
                "*/*": string;
            };
        };
        responses: {
            /** @description Unsubscribed (or, for a topic choice, the topics opted out of); an HTML page when asked for HTML */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "unsubscribed": true
                     *     }
                     */
                    "application/json": {
                        unsubscribed: boolean;
                        topics?: unknown[];
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_UNSUBSCRIBE_TOKEN`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "tracking.open": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A 1x1 GIF, whatever the token (a bad one records nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/gif": string;
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_TRACKING_LINK`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "tracking.click": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the link’s target (`Location`); a bad token answers a small page instead */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_TRACKING_LINK`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            /** @description Any other answer: an error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "tracking.click-check": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the link’s target (`Location`); a bad token answers a small page instead */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_TRACKING_LINK`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            /** @description Any other answer: an error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "email-templates.list": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of templates (without their content) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "templates": [
                     *         {
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "templateId": "3cafb0bb-5c78-4e55-ad48-a801fb5d76b9",
                     *           "name": "Spring newsletter",
                     *           "category": "marketing",
                     *           "topic": "news",
                     *           "latestVersion": 1,
                     *           "createdAt": "2026-01-15T09:30:00.000Z",
                     *           "updatedAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        templates: ({
                            workspaceId: string;
                            templateId: string;
                            name: string;
                            /** @enum {string} */
                            category: "transactional" | "marketing";
                            topic?: string;
                            latestVersion: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-templates.create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Fuzz newsletter",
                 *       "category": "marketing",
                 *       "subject": "News for {{ contact.firstName | default: \"you\" }}",
                 *       "html": "<p>Hi</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>",
                 *       "topic": "news"
                 *     }
                 */
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    category: "transactional" | "marketing";
                    subject: string;
                    html: string;
                    text?: string;
                    topic?: string;
                };
            };
        };
        responses: {
            /** @description Version 1 of the new template, and what the lint found */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "template": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "templateId": "3cafb0bb-5c78-4e55-ad48-a801fb5d76b9",
                     *         "name": "Spring newsletter",
                     *         "category": "marketing",
                     *         "topic": "news",
                     *         "latestVersion": 1,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "version": 1,
                     *         "subject": "News for {{ contact.firstName | default: \"you\" }}",
                     *         "html": "<p>Hi {{ contact.firstName }}</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>",
                     *         "createdBy": "_3NUxW9yL0F0SWL5KwWwzA"
                     *       },
                     *       "findings": [
                     *         {
                     *           "item": "postal_address_setting",
                     *           "severity": "error",
                     *           "message": "The workspace has no postal address: set the setting email.postal_address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        template: {
                            workspaceId: string;
                            templateId: string;
                            name: string;
                            /** @enum {string} */
                            category: "transactional" | "marketing";
                            topic?: string;
                            latestVersion: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            version: number;
                            subject: string;
                            html: string;
                            text?: string;
                            createdBy: string;
                        } & {
                            [key: string]: unknown;
                        };
                        findings: ({
                            item: string;
                            /** @enum {string} */
                            severity: "error" | "warning";
                            message: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `TEMPLATE_INVALID`, `TEMPLATE_LINT_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-templates.get": {
        parameters: {
            query?: {
                version?: number | string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The template’s latest version (or the one asked for); its number also in `ETag` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "template": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "templateId": "3cafb0bb-5c78-4e55-ad48-a801fb5d76b9",
                     *         "name": "Spring newsletter",
                     *         "category": "marketing",
                     *         "topic": "news",
                     *         "latestVersion": 1,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "version": 1,
                     *         "subject": "News for {{ contact.firstName | default: \"you\" }}",
                     *         "html": "<p>Hi {{ contact.firstName }}</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>",
                     *         "createdBy": "_3NUxW9yL0F0SWL5KwWwzA"
                     *       }
                     *     }
                     */
                    "application/json": {
                        template: {
                            workspaceId: string;
                            templateId: string;
                            name: string;
                            /** @enum {string} */
                            category: "transactional" | "marketing";
                            topic?: string;
                            latestVersion: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            version: number;
                            subject: string;
                            html: string;
                            text?: string;
                            createdBy: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-templates.update": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Fuzz newsletter",
                 *       "category": "marketing",
                 *       "subject": "News for {{ contact.firstName | default: \"you\" }}",
                 *       "html": "<p>Hi</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>",
                 *       "topic": "news"
                 *     }
                 */
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    category: "transactional" | "marketing";
                    subject: string;
                    html: string;
                    text?: string;
                    topic?: string;
                    expectedVersion?: number;
                };
            };
        };
        responses: {
            /** @description The new version (its number also in `ETag`), and what the lint found */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "template": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "templateId": "3cafb0bb-5c78-4e55-ad48-a801fb5d76b9",
                     *         "name": "Spring newsletter",
                     *         "category": "marketing",
                     *         "topic": "news",
                     *         "latestVersion": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "version": 2,
                     *         "subject": "News for {{ contact.firstName | default: \"you\" }}",
                     *         "html": "<p>Hi {{ contact.firstName }}</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>",
                     *         "createdBy": "_3NUxW9yL0F0SWL5KwWwzA"
                     *       },
                     *       "findings": []
                     *     }
                     */
                    "application/json": {
                        template: {
                            workspaceId: string;
                            templateId: string;
                            name: string;
                            /** @enum {string} */
                            category: "transactional" | "marketing";
                            topic?: string;
                            latestVersion: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            version: number;
                            subject: string;
                            html: string;
                            text?: string;
                            createdBy: string;
                        } & {
                            [key: string]: unknown;
                        };
                        findings: ({
                            item: string;
                            /** @enum {string} */
                            severity: "error" | "warning";
                            message: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_IF_MATCH`, `TEMPLATE_INVALID`, `TEMPLATE_LINT_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `TEMPLATE_VERSION_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-templates.delete": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-templates.preview": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "contact": {
                 *         "firstName": "Ada",
                 *         "email": "ada@example.com",
                 *         "seats": 3
                 *       }
                 *     }
                 */
                "application/json": {
                    contactId?: string;
                    contact?: {
                        [key: string]: unknown;
                    };
                    version?: number;
                };
            };
        };
        responses: {
            /** @description The template rendered for a contact (stored, or given), and what the lint found */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "subject": "News for Ada",
                     *       "html": "<p>Hi Ada</p><a href=\"http://127.0.0.1:3008/u/preview\">Unsubscribe</a>",
                     *       "text": "Hi Ada\n\nUnsubscribe (http://127.0.0.1:3008/u/preview)",
                     *       "version": 1,
                     *       "findings": []
                     *     }
                     */
                    "application/json": {
                        subject: string;
                        html: string;
                        text: string;
                        version: number;
                        findings: ({
                            item: string;
                            /** @enum {string} */
                            severity: "error" | "warning";
                            message: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `TEMPLATE_INVALID`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-templates.send": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "audience": {
                 *         "tag": "fuzz-1"
                 *       }
                 *     }
                 */
                "application/json": {
                    /** @default {} */
                    audience?: {
                        tag?: string;
                    };
                    version?: number;
                };
            };
        };
        responses: {
            /** @description The broadcast is queued; follow it with `GET /api/email-broadcasts/{id}` */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "broadcastId": "7b6fad78-67c9-4255-87bb-d5a80fa0c038",
                     *       "status": "queued"
                     *     }
                     */
                    "application/json": {
                        broadcastId: string;
                        /** @enum {string} */
                        status: "queued" | "enqueuing" | "done";
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_IDEMPOTENCY_KEY`, `TEMPLATE_INVALID`, `BROADCAST_NOT_MARKETING`, `POSTAL_ADDRESS_MISSING`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Well-formed, but not to be carried out: an Idempotency-Key already used with another request, or copy that fails the lint. Codes: `IDEMPOTENCY_KEY_REUSED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-broadcasts.get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How far the broadcast is: pages read, emails queued and skipped */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "broadcast": {
                     *         "broadcastId": "7b6fad78-67c9-4255-87bb-d5a80fa0c038",
                     *         "templateId": "3cafb0bb-5c78-4e55-ad48-a801fb5d76b9",
                     *         "version": 1,
                     *         "audience": {
                     *           "tag": "vip"
                     *         },
                     *         "status": "done",
                     *         "enqueued": 120,
                     *         "skipped": 3,
                     *         "pages": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        broadcast: {
                            broadcastId: string;
                            templateId: string;
                            version: number;
                            audience: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            status: "queued" | "enqueuing" | "done";
                            enqueued: number;
                            skipped: number;
                            pages: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `BROADCAST_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-sending.status": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Whether sending is paused, and the bounce and complaint rates behind it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "paused": false,
                     *       "reputation": "ok",
                     *       "window": {
                     *         "hours": 168,
                     *         "from": "2026-01-08T10:00:00Z",
                     *         "to": "2026-01-15T09:59:59Z"
                     *       },
                     *       "counts": {
                     *         "sent": 1200,
                     *         "bounces": 3,
                     *         "complaints": 0
                     *       },
                     *       "rates": {
                     *         "bounceRate": 0.0025,
                     *         "complaintRate": 0
                     *       },
                     *       "thresholds": {
                     *         "warnBounceRate": 0.05,
                     *         "pauseBounceRate": 0.1,
                     *         "minimumVolume": 200
                     *       }
                     *     }
                     */
                    "application/json": {
                        paused: boolean;
                        reputation: string;
                        window: {
                            hours: number;
                            from: string;
                            to: string;
                        } & {
                            [key: string]: unknown;
                        };
                        counts: {
                            sent: number;
                            bounces: number;
                            complaints: number;
                        } & {
                            [key: string]: unknown;
                        };
                        rates: {
                            bounceRate: number;
                            complaintRate: number;
                        } & {
                            [key: string]: unknown;
                        };
                        thresholds: {
                            [key: string]: number;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "email-sending.resume": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The status after the resume; `resumed` says whether it was paused */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "paused": false,
                     *       "reputation": "ok",
                     *       "window": {
                     *         "hours": 168,
                     *         "from": "2026-01-08T10:00:00Z",
                     *         "to": "2026-01-15T09:59:59Z"
                     *       },
                     *       "counts": {
                     *         "sent": 1200,
                     *         "bounces": 3,
                     *         "complaints": 0
                     *       },
                     *       "rates": {
                     *         "bounceRate": 0.0025,
                     *         "complaintRate": 0
                     *       },
                     *       "thresholds": {
                     *         "warnBounceRate": 0.05,
                     *         "pauseBounceRate": 0.1,
                     *         "minimumVolume": 200
                     *       },
                     *       "resumed": true
                     *     }
                     */
                    "application/json": {
                        paused: boolean;
                        reputation: string;
                        window: {
                            hours: number;
                            from: string;
                            to: string;
                        } & {
                            [key: string]: unknown;
                        };
                        counts: {
                            sent: number;
                            bounces: number;
                            complaints: number;
                        } & {
                            [key: string]: unknown;
                        };
                        rates: {
                            bounceRate: number;
                            complaintRate: number;
                        } & {
                            [key: string]: unknown;
                        };
                        thresholds: {
                            [key: string]: number;
                        };
                        resumed: boolean;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The current state or version does not allow the change. Codes: `SENDING_PAUSE_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "hooks.resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "type": "email.bounced",
                 *       "created_at": "2026-12-04T08:00:00.000Z",
                 *       "data": {
                 *         "email_id": "fuzz-1",
                 *         "to": [
                 *           "bounced@resend.dev"
                 *         ],
                 *         "tags": [
                 *           {
                 *             "name": "workspace",
                 *             "value": "w"
                 *           }
                 *         ]
                 *       }
                 *     }
                 */
                "application/json": unknown;
            };
        };
        responses: {
            /** @description Verified and queued for the events processor */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "received": true
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        received: true;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The credentials or the signature the route checks are not valid. Codes: `INVALID_WEBHOOK_SIGNATURE`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Fuzz journey",
                 *       "journey": {
                 *         "nodes": [
                 *           {
                 *             "id": "start",
                 *             "kind": "trigger",
                 *             "next": "wait"
                 *           },
                 *           {
                 *             "id": "wait",
                 *             "kind": "wait",
                 *             "for": {
                 *               "type": "duration",
                 *               "duration": {
                 *                 "days": 1,
                 *                 "hours": 2
                 *               }
                 *             },
                 *             "next": "check"
                 *           },
                 *           {
                 *             "id": "check",
                 *             "kind": "condition",
                 *             "if": {
                 *               "type": "score",
                 *               "min": 50
                 *             },
                 *             "yes": "tag",
                 *             "no": "done"
                 *           },
                 *           {
                 *             "id": "tag",
                 *             "kind": "action",
                 *             "action": {
                 *               "type": "add-tag",
                 *               "tag": "fuzzed"
                 *             },
                 *             "next": "done"
                 *           },
                 *           {
                 *             "id": "done",
                 *             "kind": "exit"
                 *           }
                 *         ]
                 *       },
                 *       "rules": {
                 *         "timeZone": "Europe/Berlin",
                 *         "frequencyCap": {
                 *           "max": 3,
                 *           "per": "week"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": {
                    name: string;
                    description?: string;
                    journey: {
                        nodes: ({
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "trigger";
                            on?: {
                                /** @constant */
                                type: "manual";
                            } | {
                                /** @constant */
                                type: "contact-created";
                            } | {
                                /** @constant */
                                type: "tag-added";
                                tag: string;
                            } | {
                                /** @constant */
                                type: "score-tier";
                                /** @enum {string} */
                                tier: "hot" | "warm" | "lukewarm" | "cold";
                            } | {
                                /** @constant */
                                type: "interaction";
                                /** @enum {string} */
                                interaction: "email_sent" | "email_delivered" | "email_opened" | "email_clicked" | "email_replied" | "email_bounced" | "email_complained" | "unsubscribed" | "page_visit" | "form_submit" | "note" | "call" | "meeting";
                            } | {
                                /** @constant */
                                type: "schedule";
                                cron?: string;
                                /** Format: date-time */
                                at?: string;
                                timeZone?: string;
                                filter?: {
                                    /** @enum {string} */
                                    status?: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                                    tag?: string;
                                    minScore?: number | string;
                                    maxScore?: number | string;
                                    /** @enum {string} */
                                    tier?: "hot" | "warm" | "lukewarm" | "cold";
                                    q?: string;
                                };
                            } | {
                                /** @constant */
                                type: "webhook";
                            };
                            next: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "email";
                            templateId: string;
                            version?: number;
                            subjectVariants?: string[];
                            promote?: {
                                /**
                                 * @default converted
                                 * @enum {string}
                                 */
                                metric?: "converted" | "opened" | "clicked";
                                after?: {
                                    minPerArm: number;
                                };
                            };
                            aiCopy?: {
                                goal: string;
                                /** @enum {string} */
                                tone?: "friendly" | "professional" | "casual" | "formal";
                                product?: string;
                            };
                            next: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "wait";
                            for: {
                                /** @constant */
                                type: "duration";
                                duration: {
                                    days?: number;
                                    hours?: number;
                                    minutes?: number;
                                };
                            } | {
                                /** @constant */
                                type: "time-of-day";
                                hour: number;
                                /** @default 0 */
                                minute?: number;
                                weekdays?: number[];
                            } | {
                                /** @constant */
                                type: "event";
                                /** @enum {string} */
                                interaction: "email_sent" | "email_delivered" | "email_opened" | "email_clicked" | "email_replied" | "email_bounced" | "email_complained" | "unsubscribed" | "page_visit" | "form_submit" | "note" | "call" | "meeting";
                                timeout: {
                                    days?: number;
                                    hours?: number;
                                    minutes?: number;
                                };
                            };
                            next: string;
                            timeoutNext?: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "condition";
                            if: components["schemas"]["campaigns.create.body.__schema0"];
                            yes: string;
                            no: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "split";
                            arms: {
                                id: string;
                                percent: number;
                                next: string;
                            }[];
                            /** @default 0 */
                            holdoutPercent?: number;
                            promote?: {
                                /**
                                 * @default converted
                                 * @enum {string}
                                 */
                                metric?: "converted" | "opened" | "clicked";
                                after?: {
                                    minPerArm: number;
                                };
                            };
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "action";
                            action: {
                                /** @constant */
                                type: "add-tag";
                                tag: string;
                            } | {
                                /** @constant */
                                type: "remove-tag";
                                tag: string;
                            } | {
                                /** @constant */
                                type: "set-field";
                                field: string;
                                value: string | number | boolean;
                            } | {
                                /** @constant */
                                type: "adjust-score";
                                points: number;
                            } | {
                                /** @constant */
                                type: "webhook";
                                /** Format: uri */
                                url: string;
                            } | {
                                /** @constant */
                                type: "notify-user";
                                userId: string;
                                message: string;
                            };
                            next: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "goal";
                            if: components["schemas"]["campaigns.create.body.__schema0"];
                            within: {
                                days?: number;
                                hours?: number;
                                minutes?: number;
                            };
                            next: string;
                            timeoutNext?: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "exit";
                        })[];
                    };
                    /**
                     * @default {
                     *       "reentry": {
                     *         "mode": "never"
                     *       }
                     *     }
                     */
                    rules?: {
                        timeZone?: string;
                        sendWindow?: {
                            weekdays: number[];
                            startHour: number;
                            endHour: number;
                        };
                        frequencyCap?: {
                            max: number;
                            /** @enum {string} */
                            per: "day" | "week";
                        };
                        /**
                         * @default {
                         *       "mode": "never"
                         *     }
                         */
                        reentry?: {
                            /** @constant */
                            mode: "never";
                        } | {
                            /** @constant */
                            mode: "always";
                        } | {
                            /** @constant */
                            mode: "after";
                            days: number;
                        };
                        goal?: {
                            if: components["schemas"]["campaigns.create.body.__schema0"];
                            withinDays: number;
                        };
                    };
                };
            };
        };
        responses: {
            /** @description The new draft */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "draft",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 1,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `TEMPLATE_INVALID`, `INVALID_JOURNEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.list": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
                status?: "draft" | "active" | "paused" | "archived";
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of campaigns; pass `nextCursor` as `cursor` for the next one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaigns": [
                     *         {
                     *           "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *           "name": "Welcome journey",
                     *           "status": "draft",
                     *           "journey": {
                     *             "nodes": [
                     *               {
                     *                 "id": "start",
                     *                 "kind": "trigger",
                     *                 "next": "wait"
                     *               },
                     *               {
                     *                 "id": "wait",
                     *                 "kind": "wait",
                     *                 "for": {
                     *                   "type": "duration",
                     *                   "duration": {
                     *                     "days": 1
                     *                   }
                     *                 },
                     *                 "next": "done"
                     *               },
                     *               {
                     *                 "id": "done",
                     *                 "kind": "exit"
                     *               }
                     *             ]
                     *           },
                     *           "rules": {
                     *             "timeZone": "Europe/Berlin",
                     *             "frequencyCap": {
                     *               "max": 3,
                     *               "per": "week"
                     *             },
                     *             "reentry": {
                     *               "mode": "never"
                     *             }
                     *           },
                     *           "revision": 1,
                     *           "createdAt": "2026-01-15T09:30:00.000Z",
                     *           "updatedAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        campaigns: ({
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.delete": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.update": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Fuzz journey, renamed"
                 *     }
                 */
                "application/json": {
                    name?: string;
                    description?: string;
                    journey?: {
                        nodes: ({
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "trigger";
                            on?: {
                                /** @constant */
                                type: "manual";
                            } | {
                                /** @constant */
                                type: "contact-created";
                            } | {
                                /** @constant */
                                type: "tag-added";
                                tag: string;
                            } | {
                                /** @constant */
                                type: "score-tier";
                                /** @enum {string} */
                                tier: "hot" | "warm" | "lukewarm" | "cold";
                            } | {
                                /** @constant */
                                type: "interaction";
                                /** @enum {string} */
                                interaction: "email_sent" | "email_delivered" | "email_opened" | "email_clicked" | "email_replied" | "email_bounced" | "email_complained" | "unsubscribed" | "page_visit" | "form_submit" | "note" | "call" | "meeting";
                            } | {
                                /** @constant */
                                type: "schedule";
                                cron?: string;
                                /** Format: date-time */
                                at?: string;
                                timeZone?: string;
                                filter?: {
                                    /** @enum {string} */
                                    status?: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                                    tag?: string;
                                    minScore?: number | string;
                                    maxScore?: number | string;
                                    /** @enum {string} */
                                    tier?: "hot" | "warm" | "lukewarm" | "cold";
                                    q?: string;
                                };
                            } | {
                                /** @constant */
                                type: "webhook";
                            };
                            next: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "email";
                            templateId: string;
                            version?: number;
                            subjectVariants?: string[];
                            promote?: {
                                /**
                                 * @default converted
                                 * @enum {string}
                                 */
                                metric?: "converted" | "opened" | "clicked";
                                after?: {
                                    minPerArm: number;
                                };
                            };
                            aiCopy?: {
                                goal: string;
                                /** @enum {string} */
                                tone?: "friendly" | "professional" | "casual" | "formal";
                                product?: string;
                            };
                            next: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "wait";
                            for: {
                                /** @constant */
                                type: "duration";
                                duration: {
                                    days?: number;
                                    hours?: number;
                                    minutes?: number;
                                };
                            } | {
                                /** @constant */
                                type: "time-of-day";
                                hour: number;
                                /** @default 0 */
                                minute?: number;
                                weekdays?: number[];
                            } | {
                                /** @constant */
                                type: "event";
                                /** @enum {string} */
                                interaction: "email_sent" | "email_delivered" | "email_opened" | "email_clicked" | "email_replied" | "email_bounced" | "email_complained" | "unsubscribed" | "page_visit" | "form_submit" | "note" | "call" | "meeting";
                                timeout: {
                                    days?: number;
                                    hours?: number;
                                    minutes?: number;
                                };
                            };
                            next: string;
                            timeoutNext?: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "condition";
                            if: components["schemas"]["campaigns.update.body.__schema0"];
                            yes: string;
                            no: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "split";
                            arms: {
                                id: string;
                                percent: number;
                                next: string;
                            }[];
                            /** @default 0 */
                            holdoutPercent?: number;
                            promote?: {
                                /**
                                 * @default converted
                                 * @enum {string}
                                 */
                                metric?: "converted" | "opened" | "clicked";
                                after?: {
                                    minPerArm: number;
                                };
                            };
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "action";
                            action: {
                                /** @constant */
                                type: "add-tag";
                                tag: string;
                            } | {
                                /** @constant */
                                type: "remove-tag";
                                tag: string;
                            } | {
                                /** @constant */
                                type: "set-field";
                                field: string;
                                value: string | number | boolean;
                            } | {
                                /** @constant */
                                type: "adjust-score";
                                points: number;
                            } | {
                                /** @constant */
                                type: "webhook";
                                /** Format: uri */
                                url: string;
                            } | {
                                /** @constant */
                                type: "notify-user";
                                userId: string;
                                message: string;
                            };
                            next: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "goal";
                            if: components["schemas"]["campaigns.update.body.__schema0"];
                            within: {
                                days?: number;
                                hours?: number;
                                minutes?: number;
                            };
                            next: string;
                            timeoutNext?: string;
                        } | {
                            id: string;
                            label?: string;
                            /** @constant */
                            kind: "exit";
                        })[];
                    };
                    rules?: {
                        timeZone?: string | null;
                        sendWindow?: {
                            weekdays: number[];
                            startHour: number;
                            endHour: number;
                        } | null;
                        frequencyCap?: {
                            max: number;
                            /** @enum {string} */
                            per: "day" | "week";
                        } | null;
                        reentry?: ({
                            /** @constant */
                            mode: "never";
                        } | {
                            /** @constant */
                            mode: "always";
                        } | {
                            /** @constant */
                            mode: "after";
                            days: number;
                        }) | null;
                        goal?: {
                            if: components["schemas"]["campaigns.update.body.__schema0"];
                            withinDays: number;
                        } | null;
                    };
                };
            };
        };
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `TEMPLATE_INVALID`, `INVALID_JOURNEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`, `CAMPAIGN_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.publish": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `TEMPLATE_INVALID`, `POSTAL_ADDRESS_MISSING`, `INVALID_JOURNEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`, `CAMPAIGN_CHANGED`, `AI_COPY_NOT_APPROVED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.promote": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                nodeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "arm": "a"
                 *     }
                 */
                "application/json": {
                    arm: string;
                } | {
                    variant: number;
                };
            };
        };
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_PROMOTION`, `UNKNOWN_ARM`, `NOT_AN_AB_NODE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `NODE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`, `CAMPAIGN_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.unpromote": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                nodeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `NOT_AN_AB_NODE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `NODE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`, `CAMPAIGN_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.ai-drafts.list": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                nodeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The node’s drafts (newest first), its approval and where it stands */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "drafts": [
                     *         {
                     *           "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *           "nodeId": "welcome",
                     *           "draftId": "d-5c2a",
                     *           "request": {
                     *             "goal": "Welcome new trial users",
                     *             "tone": "friendly"
                     *           },
                     *           "subjectLines": [
                     *             "Welcome aboard",
                     *             "Your trial starts now"
                     *           ],
                     *           "body": "Thanks for trying us.",
                     *           "callToAction": "Start your tour",
                     *           "html": "<p>Thanks for trying us.</p>",
                     *           "provider": "anthropic",
                     *           "model": "claude-haiku",
                     *           "createdAt": "2026-01-15T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "approval": null,
                     *       "state": "unapproved"
                     *     }
                     */
                    "application/json": {
                        drafts: ({
                            campaignId: string;
                            nodeId: string;
                            draftId: string;
                            subjectLines: string[];
                            body: string;
                            callToAction: string;
                            html: string;
                            provider: string;
                            model: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        approval: ({
                            draftId: string;
                            by: string;
                            /** Format: date-time */
                            at: string;
                            templateId: string;
                            version: number;
                            edited: boolean;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        /** @enum {string} */
                        state: "unapproved" | "approved" | "edited-by-hand";
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `NO_AI_COPY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `NODE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.ai-drafts.create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                nodeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A new draft of the node’s copy (the node’s `aiCopy` is the request); nothing is approved yet */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "draft": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "nodeId": "welcome",
                     *         "draftId": "d-5c2a",
                     *         "request": {
                     *           "goal": "Welcome new trial users",
                     *           "tone": "friendly"
                     *         },
                     *         "subjectLines": [
                     *           "Welcome aboard",
                     *           "Your trial starts now"
                     *         ],
                     *         "body": "Thanks for trying us.",
                     *         "callToAction": "Start your tour",
                     *         "html": "<p>Thanks for trying us.</p>",
                     *         "provider": "anthropic",
                     *         "model": "claude-haiku",
                     *         "createdAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        draft: {
                            campaignId: string;
                            nodeId: string;
                            draftId: string;
                            subjectLines: string[];
                            body: string;
                            callToAction: string;
                            html: string;
                            provider: string;
                            model: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `NO_AI_COPY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `FORBIDDEN`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `NODE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`, `AI_OFFLINE`, `AI_DRAFT_FAILED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Over the route’s rate tier (or an AI budget); try again after `Retry-After` seconds. Besides those (`#/components/responses/TooManyRequests`: `RATE_LIMITED`), this route answers `AI_BUDGET_EXCEEDED`. */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.ai-drafts.approve": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                nodeId: string;
                draftId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "subjectVariants": [
                 *         "Spring news",
                 *         "Your spring preview"
                 *       ],
                 *       "html": "<p>Hi</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>"
                 *     }
                 */
                "application/json": {
                    subject?: string;
                    subjectVariants?: string[];
                    html?: string;
                };
            };
        };
        responses: {
            /** @description The campaign with the approved copy as its node’s template version, and the approval */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "draft",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 1,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z"
                     *       },
                     *       "approval": {
                     *         "draftId": "d-5c2a",
                     *         "by": "user-1",
                     *         "at": "2026-01-15T09:30:00.000Z",
                     *         "templateId": "3cafb0bb-5c78-4e55-ad48-a801fb5d76b9",
                     *         "version": 1,
                     *         "edited": false
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                        approval: {
                            draftId: string;
                            by: string;
                            /** Format: date-time */
                            at: string;
                            templateId: string;
                            version: number;
                            edited: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_JOURNEY`, `NO_AI_COPY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `FORBIDDEN`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `NODE_NOT_FOUND`, `AI_DRAFT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`, `AI_DRAFT_OUTDATED`, `CAMPAIGN_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Well-formed, but not to be carried out: an Idempotency-Key already used with another request, or copy that fails the lint. Codes: `COPY_LINT_FAILED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.pause": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `ILLEGAL_CAMPAIGN_TRANSITION`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.resume": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `TEMPLATE_INVALID`, `POSTAL_ADDRESS_MISSING`, `INVALID_JOURNEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `TEMPLATE_NOT_FOUND`, `TEMPLATE_VERSION_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `ILLEGAL_CAMPAIGN_TRANSITION`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.archive": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign as it is now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "campaign": {
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "name": "Welcome journey",
                     *         "status": "active",
                     *         "journey": {
                     *           "nodes": [
                     *             {
                     *               "id": "start",
                     *               "kind": "trigger",
                     *               "next": "wait"
                     *             },
                     *             {
                     *               "id": "wait",
                     *               "kind": "wait",
                     *               "for": {
                     *                 "type": "duration",
                     *                 "duration": {
                     *                   "days": 1
                     *                 }
                     *               },
                     *               "next": "done"
                     *             },
                     *             {
                     *               "id": "done",
                     *               "kind": "exit"
                     *             }
                     *           ]
                     *         },
                     *         "rules": {
                     *           "timeZone": "Europe/Berlin",
                     *           "frequencyCap": {
                     *             "max": 3,
                     *             "per": "week"
                     *           },
                     *           "reentry": {
                     *             "mode": "never"
                     *           }
                     *         },
                     *         "revision": 2,
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "publishedVersion": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        campaign: {
                            campaignId: string;
                            name: string;
                            /** @enum {string} */
                            status: "draft" | "active" | "paused" | "archived";
                            journey: {
                                nodes: ({
                                    id: string;
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                            rules?: {
                                [key: string]: unknown;
                            };
                            revision: number;
                            publishedVersion?: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `ILLEGAL_CAMPAIGN_TRANSITION`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.enrol": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "filter": {
                 *         "tag": "fuzz-1",
                 *         "minScore": 10
                 *       }
                 *     }
                 */
                "application/json": {
                    contactIds: string[];
                } | {
                    filter: {
                        /** @enum {string} */
                        status?: "lead" | "prospect" | "customer" | "churned" | "unsubscribed";
                        tag?: string;
                        minScore?: number | string;
                        maxScore?: number | string;
                        /** @enum {string} */
                        tier?: "hot" | "warm" | "lukewarm" | "cold";
                        q?: string;
                    };
                };
            };
        };
        responses: {
            /** @description A filter starts a launch (follow it at `progress`); a list of contact ids is queued at once and answers the counts */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "launchId": "694277be-9107-406e-949c-30b4d512ee21",
                     *       "progress": "/api/campaigns/21851a54-ddb6-413d-b8f8-c09474074ca3/launches/694277be-9107-406e-949c-30b4d512ee21"
                     *     }
                     */
                    "application/json": {
                        launchId: string;
                        progress: string;
                    } | {
                        queued: number;
                        suppressed: number;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_IDEMPOTENCY_KEY`, `POSTAL_ADDRESS_MISSING`, `CONTACTS_NOT_FOUND`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_NOT_ACTIVE`, `CAMPAIGN_ARCHIVED`, `IDEMPOTENCY_IN_PROGRESS`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Well-formed, but not to be carried out: an Idempotency-Key already used with another request, or copy that fails the lint. Codes: `IDEMPOTENCY_KEY_REUSED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.launch": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                launchId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A launch’s progress */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "launch": {
                     *         "launchId": "694277be-9107-406e-949c-30b4d512ee21",
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "status": "done",
                     *         "queued": 1,
                     *         "suppressed": 0,
                     *         "startedAt": "2026-01-15T09:30:00.000Z",
                     *         "finishedAt": "2026-01-15T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": {
                        launch: {
                            launchId: string;
                            campaignId: string;
                            /** @enum {string} */
                            status: "running" | "done" | "failed";
                            queued: number;
                            suppressed: number;
                            /** Format: date-time */
                            startedAt: string;
                            /** Format: date-time */
                            finishedAt?: string;
                            /** Format: date-time */
                            updatedAt?: string;
                            /** Format: date-time */
                            failedAt?: string;
                            error?: string;
                            resumed?: number;
                            resumable?: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `LAUNCH_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.launch-resume": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                launchId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The failed launch runs again from its first page not counted (follow it with `GET` on the launch) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "launch": {
                     *         "launchId": "694277be-9107-406e-949c-30b4d512ee21",
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "status": "running",
                     *         "queued": 4200,
                     *         "suppressed": 12,
                     *         "startedAt": "2026-01-15T09:30:00.000Z",
                     *         "resumed": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        launch: {
                            launchId: string;
                            campaignId: string;
                            /** @enum {string} */
                            status: "running" | "done" | "failed";
                            queued: number;
                            suppressed: number;
                            /** Format: date-time */
                            startedAt: string;
                            /** Format: date-time */
                            finishedAt?: string;
                            /** Format: date-time */
                            updatedAt?: string;
                            /** Format: date-time */
                            failedAt?: string;
                            error?: string;
                            resumed?: number;
                            resumable?: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `POSTAL_ADDRESS_MISSING`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `LAUNCH_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `LAUNCH_NOT_FAILED`, `LAUNCH_NOT_RESUMABLE`, `CAMPAIGN_NOT_ACTIVE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.enrolments": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the campaign’s enrolments */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "enrolments": [
                     *         {
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *           "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *           "run": 1,
                     *           "version": 1,
                     *           "node": "wait",
                     *           "step": 2,
                     *           "status": "waiting",
                     *           "enteredAt": "2026-01-15T09:30:00.000Z",
                     *           "nodeSince": "2026-01-15T09:30:00.000Z",
                     *           "dueAt": "2026-01-16T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        enrolments: ({
                            workspaceId: string;
                            campaignId: string;
                            contactId: string;
                            run: number;
                            version: number;
                            node: string;
                            step: number;
                            status: string;
                            /** Format: date-time */
                            enteredAt: string;
                            /** Format: date-time */
                            nodeSince?: string;
                            /** Format: date-time */
                            dueAt?: string;
                            /** Format: date-time */
                            endedAt?: string;
                            exitReason?: string;
                            failure?: string;
                            retries?: number;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.stats": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Totals, per-node counts, split arms and subject variants, and the raw counters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "stats": {
                     *         "totals": {
                     *           "entered": 3,
                     *           "waiting": 1,
                     *           "completed": 2,
                     *           "sent": 2
                     *         },
                     *         "nodes": {
                     *           "start": {},
                     *           "wait": {},
                     *           "done": {}
                     *         },
                     *         "splits": {},
                     *         "variants": {}
                     *       },
                     *       "counters": {}
                     *     }
                     */
                    "application/json": {
                        stats: {
                            totals: {
                                entered: number;
                                waiting: number;
                                completed: number;
                                sent: number;
                            } & {
                                [key: string]: unknown;
                            };
                            nodes: {
                                [key: string]: unknown;
                            };
                            splits: {
                                [key: string]: unknown;
                            };
                            variants: {
                                [key: string]: unknown;
                            };
                        } & {
                            [key: string]: unknown;
                        };
                        counters: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.exit": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                contactId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The enrolment, ended */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "enrolment": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *         "run": 1,
                     *         "version": 1,
                     *         "node": "wait",
                     *         "step": 3,
                     *         "status": "exited",
                     *         "enteredAt": "2026-01-15T09:30:00.000Z",
                     *         "nodeSince": "2026-01-15T09:30:00.000Z",
                     *         "dueAt": "2026-01-16T09:30:00.000Z",
                     *         "endedAt": "2026-01-15T09:30:00.000Z",
                     *         "exitReason": "manual"
                     *       }
                     *     }
                     */
                    "application/json": {
                        enrolment: {
                            workspaceId: string;
                            campaignId: string;
                            contactId: string;
                            run: number;
                            version: number;
                            node: string;
                            step: number;
                            status: string;
                            /** Format: date-time */
                            enteredAt: string;
                            /** Format: date-time */
                            nodeSince?: string;
                            /** Format: date-time */
                            dueAt?: string;
                            /** Format: date-time */
                            endedAt?: string;
                            exitReason?: string;
                            failure?: string;
                            retries?: number;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `ENROLMENT_NOT_FOUND`, `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`, `ENROLMENT_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.retry": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
                contactId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The enrolment, waiting to run again at the node it failed on (due now) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "enrolment": {
                     *         "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *         "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *         "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *         "run": 1,
                     *         "version": 1,
                     *         "node": "welcome",
                     *         "step": 5,
                     *         "status": "waiting",
                     *         "enteredAt": "2026-01-15T09:30:00.000Z",
                     *         "nodeSince": "2026-01-15T09:30:00.000Z",
                     *         "dueAt": "2026-01-16T09:30:00.000Z",
                     *         "retries": 1
                     *       }
                     *     }
                     */
                    "application/json": {
                        enrolment: {
                            workspaceId: string;
                            campaignId: string;
                            contactId: string;
                            run: number;
                            version: number;
                            node: string;
                            step: number;
                            status: string;
                            /** Format: date-time */
                            enteredAt: string;
                            /** Format: date-time */
                            nodeSince?: string;
                            /** Format: date-time */
                            dueAt?: string;
                            /** Format: date-time */
                            endedAt?: string;
                            exitReason?: string;
                            failure?: string;
                            retries?: number;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `POSTAL_ADDRESS_MISSING`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `ENROLMENT_NOT_FOUND`, `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `ENROLMENT_NOT_RETRYABLE`, `ENROLMENT_CHANGED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.webhook-token": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A new webhook token, shown once: only its hash is kept */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "token": "WQkt6oG6EKfdQQcTuMFd8WhOHaLQGExAKVXzphMZJRQ",
                     *       "path": "/api/hooks/campaigns/21851a54-ddb6-413d-b8f8-c09474074ca3/WQkt…"
                     *     }
                     */
                    "application/json": {
                        token: string;
                        path: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`, `NOT_A_WEBHOOK_TRIGGER`, `CONCURRENT_CHANGE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "campaigns.signing-secret": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A new signing secret for webhook actions, shown once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "secret": "whsec_+g6nJHBao16y8X99jtCToBy/ud77GdIX3D13Rfc7umQ=",
                     *       "header": "X-UniteHub-Signature"
                     *     }
                     */
                    "application/json": {
                        secret: string;
                        header: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_ARCHIVED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "hooks.campaign": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                token: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "email": "fuzz-1@example.com"
                 *     }
                 */
                "application/json": unknown;
            };
        };
        responses: {
            /** @description The contact is queued for enrolment */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "queued": 1,
                     *       "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164"
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        queued: 1;
                        contactId: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_IDEMPOTENCY_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CAMPAIGN_NOT_FOUND`, `WEBHOOK_NOT_FOUND`, `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The current state or version does not allow the change. Codes: `CAMPAIGN_NOT_ACTIVE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Well-formed, but not to be carried out: an Idempotency-Key already used with another request, or copy that fails the lint. Codes: `IDEMPOTENCY_KEY_REUSED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "contacts.enrolments": {
        parameters: {
            query?: {
                limit?: number | string;
                cursor?: string;
            };
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the contact’s enrolments, one per campaign, in campaign id order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "enrolments": [
                     *         {
                     *           "workspaceId": "LR9T7An3VR1XFGxzO7xAJg",
                     *           "campaignId": "21851a54-ddb6-413d-b8f8-c09474074ca3",
                     *           "contactId": "e0365558-79fa-4bc7-8327-d7d342c45164",
                     *           "run": 1,
                     *           "version": 1,
                     *           "node": "wait",
                     *           "step": 2,
                     *           "status": "waiting",
                     *           "enteredAt": "2026-01-15T09:30:00.000Z",
                     *           "nodeSince": "2026-01-15T09:30:00.000Z",
                     *           "dueAt": "2026-01-16T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        enrolments: ({
                            workspaceId: string;
                            campaignId: string;
                            contactId: string;
                            run: number;
                            version: number;
                            node: string;
                            step: number;
                            status: string;
                            /** Format: date-time */
                            enteredAt: string;
                            /** Format: date-time */
                            nodeSince?: string;
                            /** Format: date-time */
                            dueAt?: string;
                            /** Format: date-time */
                            endedAt?: string;
                            exitReason?: string;
                            failure?: string;
                            retries?: number;
                        } & {
                            [key: string]: unknown;
                        })[];
                        nextCursor?: string;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `INVALID_CURSOR`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `CONTACT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "ai.calls.create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "agent": "email-intent",
                 *       "input": {
                 *         "from": "fuzz@example.com",
                 *         "subject": "Fuzz",
                 *         "body": "Can we meet on Tuesday?"
                 *       },
                 *       "clientKey": "fuzz-1"
                 *     }
                 */
                "application/json": {
                    /** @constant */
                    agent: "email-intent";
                    input: {
                        from?: string;
                        /** @default  */
                        subject?: string;
                        body: string;
                        /** Format: date-time */
                        receivedAt?: string;
                    };
                    clientKey?: string;
                } | {
                    /** @constant */
                    agent: "content-personalisation";
                    input: {
                        contactId?: string;
                        contact?: {
                            firstName?: string;
                            lastName?: string;
                            company?: string;
                            jobTitle?: string;
                            status?: string;
                            tags?: string[];
                        };
                        goal: string;
                        /**
                         * @default friendly
                         * @enum {string}
                         */
                        tone?: "friendly" | "professional" | "casual" | "formal";
                        product?: string;
                    };
                    clientKey?: string;
                } | {
                    /** @constant */
                    agent: "contact-intelligence";
                    input: {
                        contactId: string;
                    };
                    clientKey?: string;
                };
            };
        };
        responses: {
            /** @description Queued; poll `links.self` for the result */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "callId": "9189ffcc-aa54-4168-8347-d931f8fcec20",
                     *       "status": "queued",
                     *       "createdAt": "2026-01-15T09:30:00.000Z",
                     *       "links": {
                     *         "self": "/api/ai/calls/9189ffcc-aa54-4168-8347-d931f8fcec20"
                     *       }
                     *     }
                     */
                    "application/json": {
                        callId: string;
                        status: string;
                        /** Format: date-time */
                        createdAt: string;
                        links: {
                            self: string;
                        } & {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`, `INVALID_IDEMPOTENCY_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `FORBIDDEN`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description The current state or version does not allow the change. Codes: `IDEMPOTENCY_IN_PROGRESS`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Well-formed, but not to be carried out: an Idempotency-Key already used with another request, or copy that fails the lint. Codes: `IDEMPOTENCY_KEY_REUSED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Over the route’s rate tier (or an AI budget); try again after `Retry-After` seconds. Besides those (`#/components/responses/TooManyRequests`: `RATE_LIMITED`), this route answers `AI_BUDGET_EXCEEDED`. */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "ai.calls.get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The call: its `status` (queued, running, completed, failed, offline), its `output` once completed or its `failure` once failed, and what the run cost */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "call": {
                     *         "callId": "9189ffcc-aa54-4168-8347-d931f8fcec20",
                     *         "agent": "email-intent",
                     *         "status": "completed",
                     *         "createdAt": "2026-01-15T09:30:00.000Z",
                     *         "createdBy": "_3NUxW9yL0F0SWL5KwWwzA",
                     *         "updatedAt": "2026-01-15T09:30:00.000Z",
                     *         "startedAt": "2026-01-15T09:30:00.000Z",
                     *         "completedAt": "2026-01-15T09:30:00.000Z",
                     *         "attempts": 1,
                     *         "output": {
                     *           "intent": "pricing_question",
                     *           "sentiment": "positive",
                     *           "urgency": "high",
                     *           "summary": "Wants pricing for 20 seats before deciding on Friday.",
                     *           "suggestedReply": "Thanks for asking! Our pricing for 20 seats is attached; happy to walk you through it."
                     *         },
                     *         "input": {
                     *           "subject": "Pricing for 20 seats",
                     *           "body": "Hi, could you send pricing for 20 seats? We decide by Friday."
                     *         },
                     *         "provider": "anthropic",
                     *         "model": "claude-haiku-4-5",
                     *         "tokensIn": 620,
                     *         "tokensOut": 140,
                     *         "costUsd": 0.00132,
                     *         "latencyMs": 1800,
                     *         "offline": false,
                     *         "fallback": null,
                     *         "modelCalls": 1,
                     *         "links": {
                     *           "self": "/api/ai/calls/9189ffcc-aa54-4168-8347-d931f8fcec20"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": {
                        call: {
                            callId: string;
                            /** @enum {string} */
                            agent: "email-intent" | "content-personalisation" | "contact-intelligence";
                            /** @enum {string} */
                            status: "queued" | "running" | "completed" | "failed" | "offline";
                            input: unknown;
                            /** Format: date-time */
                            createdAt: string;
                            createdBy: string;
                            /** Format: date-time */
                            updatedAt: string;
                            attempts: number;
                            /** Format: date-time */
                            startedAt?: string;
                            /** Format: date-time */
                            completedAt?: string;
                            output?: unknown;
                            failure?: {
                                kind: string;
                                reason: string;
                                readonly issues?: {
                                    path: string;
                                    message: string;
                                }[];
                                details?: unknown;
                                deadLettered?: boolean;
                            } & {
                                [key: string]: unknown;
                            };
                            lastError?: string;
                            provider?: string;
                            model?: string;
                            tokensIn?: number;
                            tokensOut?: number;
                            costUsd?: number;
                            latencyMs?: number;
                            offline?: boolean;
                            fallback?: {
                                from: string;
                                reason: string;
                            } | null;
                            modelCalls?: number;
                            /** Format: date-time */
                            basedOn?: string;
                            score?: {
                                score: number;
                                tier: string;
                                previousScore: number;
                                previousTier: string;
                            };
                            superseded?: {
                                /** Format: date-time */
                                by: string;
                            };
                            links: {
                                self: string;
                            } & {
                                [key: string]: unknown;
                            };
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description No such record in the workspace, or a workspace the caller is not a member of. Besides those (`#/components/responses/NotFound`: `NOT_FOUND`, `WORKSPACE_NOT_FOUND`), this route answers `AI_CALL_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "ai.preview": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "agent": "email-intent",
                 *       "input": {
                 *         "subject": "Fuzz",
                 *         "body": "Can we meet on Tuesday?"
                 *       }
                 *     }
                 */
                "application/json": {
                    /** @constant */
                    agent: "email-intent";
                    input: {
                        from?: string;
                        /** @default  */
                        subject?: string;
                        body: string;
                        /** Format: date-time */
                        receivedAt?: string;
                    };
                } | {
                    /** @constant */
                    agent: "content-personalisation";
                    input: {
                        contactId?: string;
                        contact?: {
                            firstName?: string;
                            lastName?: string;
                            company?: string;
                            jobTitle?: string;
                            status?: string;
                            tags?: string[];
                        };
                        goal: string;
                        /**
                         * @default friendly
                         * @enum {string}
                         */
                        tone?: "friendly" | "professional" | "casual" | "formal";
                        product?: string;
                    };
                } | {
                    /** @constant */
                    agent: "contact-intelligence";
                    input: {
                        contactId: string;
                    };
                };
            };
        };
        responses: {
            /** @description The agent’s answer, not stored; which model gave it and what it cost */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "agent": "email-intent",
                     *       "provider": "local",
                     *       "model": "stand-in",
                     *       "tokensIn": 120,
                     *       "tokensOut": 40,
                     *       "costUsd": 0
                     *     }
                     */
                    "application/json": {
                        agent: string;
                        status?: string;
                        offline?: boolean;
                        provider?: string;
                        model?: string;
                        tokensIn?: number;
                        tokensOut?: number;
                        costUsd?: number;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM's rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8. Besides those (`#/components/responses/BadRequest`: `VALIDATION_FAILED`, `INVALID_ID`, `UNKNOWN_OWNER`, `UNSENDABLE_EMAIL`, `TEMPLATE_TOO_LARGE`, `EXPORT_TOO_LARGE`, `INVALID_BODY_ENCODING`), this route answers `MALFORMED_JSON`, `JSON_TOO_DEEP`, `JSON_TOO_LARGE`, `JSON_FORBIDDEN_KEY`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so). Besides those (`#/components/responses/Forbidden`: `CSRF_TOKEN_INVALID`, `CSRF_ORIGIN_MISMATCH`, `PERMISSION_DENIED`, `API_KEY_NOT_ALLOWED`, `EMAIL_NOT_VERIFIED`), this route answers `FORBIDDEN`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Over the route’s rate tier (or an AI budget); try again after `Retry-After` seconds. Besides those (`#/components/responses/TooManyRequests`: `RATE_LIMITED`), this route answers `AI_BUDGET_EXCEEDED`. */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    "ai.usage": {
        parameters: {
            query?: never;
            header?: {
                /** @description The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default). */
                "x-workspace-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This month’s AI usage against the workspace’s budgets */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "usage": {
                     *         "month": "2026-01",
                     *         "resetsAt": "2026-02-01T00:00:00.000Z",
                     *         "budgets": {
                     *           "monthlyTokens": 2000000,
                     *           "monthlyCostUsd": 25
                     *         },
                     *         "total": {
                     *           "tokensIn": 1200,
                     *           "tokensOut": 300,
                     *           "costUsd": 0.01,
                     *           "calls": 2,
                     *           "tokens": 1500
                     *         },
                     *         "byAgent": {},
                     *         "remaining": {
                     *           "tokens": 1998500,
                     *           "costUsd": 24.99
                     *         },
                     *         "exceeded": false
                     *       }
                     *     }
                     */
                    "application/json": {
                        usage: {
                            month: string;
                            /** Format: date-time */
                            resetsAt: string;
                            budgets: {
                                [key: string]: number;
                            };
                            total: {
                                [key: string]: number;
                            };
                            byAgent: {
                                [key: string]: unknown;
                            };
                            remaining: {
                                [key: string]: number;
                            };
                            exceeded: boolean;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}

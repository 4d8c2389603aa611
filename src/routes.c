/* routes: the route table of the whole server, above pages/ and api/,
 * whose handlers it names. */
#include "routes.h"

#include "api/api.h"
#include "pages/pages.h"
#include "pages/policy.h"

const struct route site_routes[] = {
    {HTTP_GET, "/", page_home, &policy_public, .cache = true},
    {HTTP_GET, "/vormen/:slug", page_form, &policy_public, .cache = true},
    {HTTP_GET, "/signalen", page_signals, &policy_public, .cache = true},
    {HTTP_GET, "/risicofactoren", page_risks, &policy_public, .cache = true},
    {HTTP_GET, "/wat-wij-doen", page_about, &policy_public, .cache = true},
    {HTTP_GET, "/snel-weg", page_quick_exit, &policy_public, .cache = true},
    {HTTP_GET, "/privacy", page_privacy, &policy_public, .cache = true},
    {HTTP_GET, "/toegankelijkheid", page_accessibility, &policy_public, .cache = true},
    {HTTP_GET, "/contact", page_contact, &policy_public, .cache = true},
    {HTTP_GET | HTTP_POST, "/wegwijzer", page_wegwijzer, &policy_public, .csrf = true,
     .csrf_retry = page_wegwijzer_expired},
    {HTTP_GET | HTTP_POST, "/quiz", page_quiz, &policy_public, .csrf = true,
     .csrf_retry = page_quiz_expired},
    {HTTP_GET | HTTP_POST, "/melden", page_report, &policy_public, .csrf = true,
     .csrf_retry = page_report_expired},
    {HTTP_GET | HTTP_POST, "/volgen", page_follow, &policy_public, .csrf = true,
     .csrf_retry = page_follow_expired},
    /* Staff: the login and its steps, then a full session (pages/policy.h). */
    {HTTP_GET | HTTP_POST, "/staf/inloggen", page_staff_login, &policy_public, .csrf = true,
     .csrf_retry = page_staff_login_expired},
    {HTTP_GET | HTTP_POST, "/staf/code", page_staff_code, &policy_staff_step, .csrf = true},
    {HTTP_GET | HTTP_POST, "/staf/wachtwoord-kiezen", page_staff_password_first, &policy_staff_step,
     .csrf = true},
    {HTTP_GET | HTTP_POST, "/staf/tweede-stap-instellen", page_staff_enrol, &policy_staff_step,
     .csrf = true},
    {HTTP_POST, "/staf/uitloggen", page_staff_logout, &policy_staff_step, .csrf = true},
    {HTTP_GET, "/staf", page_staff_home, &policy_staff, .cache = false},
    {HTTP_GET, "/staf/account", page_staff_account, &policy_staff, .cache = false},
    {HTTP_POST, "/staf/account/wachtwoord", page_staff_account_password, &policy_staff,
     .csrf = true},
    {HTTP_POST, "/staf/account/herstelcodes", page_staff_account_recovery, &policy_staff,
     .csrf = true},
    {HTTP_POST, "/staf/account/overal-uitloggen", page_staff_logout_everywhere, &policy_staff,
     .csrf = true},
    {HTTP_GET, "/staf/beheer", page_staff_admin, &policy_staff_admin, .cache = false},
    {HTTP_POST, "/staf/beheer/account", page_staff_admin_user, &policy_staff_admin, .csrf = true},
    {HTTP_GET, "/api/v1/me", api_me, &policy_api_staff, .cache = false},
    {HTTP_GET, "/api/v1/users", api_users, &policy_api_admin, .cache = false},
    {HTTP_GET, "/healthz", page_healthz, &policy_public, .cache = false},
    {HTTP_GET, "/api/v1/signals", api_signals, &policy_public, .cache = false},
    {HTTP_POST, "/api/v1/reports", api_reports, &policy_public, .json = true},
    {HTTP_POST, "/api/v1/follow", api_follow, &policy_public, .json = true},
    {HTTP_GET, "/staf/beheer/audit", page_staff_audit, &policy_staff_admin, .cache = false},
    {HTTP_GET, "/staf/beheer/audit.csv", page_staff_audit_csv, &policy_staff_admin, .cache = false},
    {HTTP_GET, "/favicon.ico", page_favicon, &policy_public, .cache = false},
    {HTTP_GET, "/static/*", page_static, &policy_public, .cache = false},
    {HTTP_GET, "/assets/:fp/*", page_asset, &policy_public, .cache = false},
};
const size_t site_nroutes = sizeof site_routes / sizeof site_routes[0];

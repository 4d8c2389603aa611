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
    {HTTP_GET, "/healthz", page_healthz, &policy_public, .cache = false},
    {HTTP_GET, "/api/v1/signals", api_signals, &policy_public, .cache = false},
    {HTTP_POST, "/api/v1/reports", api_reports, &policy_public, .json = true},
    {HTTP_POST, "/api/v1/follow", api_follow, &policy_public, .json = true},
    {HTTP_GET, "/staf/beheer/audit", page_staff_audit, &policy_audit_admin, .cache = false},
    {HTTP_GET, "/staf/beheer/audit.csv", page_staff_audit_csv, &policy_audit_admin, .cache = false},
    {HTTP_GET, "/favicon.ico", page_favicon, &policy_public, .cache = false},
    {HTTP_GET, "/static/*", page_static, &policy_public, .cache = false},
    {HTTP_GET, "/assets/:fp/*", page_asset, &policy_public, .cache = false},
};
const size_t site_nroutes = sizeof site_routes / sizeof site_routes[0];

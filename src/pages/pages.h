/* pages: the handlers of the public site (the route table is src/routes.c). */
#ifndef SIGNAAL_PAGES_PAGES_H
#define SIGNAAL_PAGES_PAGES_H

#include "http/http.h"

/* public.c */
int page_home(struct req *req, struct resp *resp);
int page_form(struct req *req, struct resp *resp);          /* /vormen/:slug */
int page_signals(struct req *req, struct resp *resp);       /* /signalen */
int page_risks(struct req *req, struct resp *resp);         /* /risicofactoren */
int page_about(struct req *req, struct resp *resp);         /* /wat-wij-doen */
int page_quick_exit(struct req *req, struct resp *resp);    /* /snel-weg */
int page_privacy(struct req *req, struct resp *resp);       /* /privacy */
int page_accessibility(struct req *req, struct resp *resp); /* /toegankelijkheid */
int page_contact(struct req *req, struct resp *resp);       /* /contact */
int page_wegwijzer(struct req *req, struct resp *resp);     /* GET and POST /wegwijzer */
int page_quiz(struct req *req, struct resp *resp);          /* GET and POST /quiz */
/* A POST to /wegwijzer or /quiz whose form token failed (route.csrf_retry):
 * the form again, as chosen, saying why. */
int page_wegwijzer_expired(struct req *req, struct resp *resp);
int page_quiz_expired(struct req *req, struct resp *resp);

/* report.c */
int page_report(struct req *req, struct resp *resp); /* GET and POST /melden */
/* A POST to /melden whose form token failed (route.csrf_retry). */
int page_report_expired(struct req *req, struct resp *resp);
/* follow.c */
int page_follow(struct req *req, struct resp *resp); /* GET and POST /volgen */
/* A POST to /volgen whose form token failed (route.csrf_retry). */
int page_follow_expired(struct req *req, struct resp *resp);

/* staff_audit.c: the audit log of the reader's organisation (filters
 * actor, action, object, from, until; paged by ?before=N) and its CSV. */
int page_staff_audit(struct req *req, struct resp *resp);     /* /staf/beheer/audit */
int page_staff_audit_csv(struct req *req, struct resp *resp); /* /staf/beheer/audit.csv */
/* staff.c: /staf/ (access by the route policy, pages/policy.h) */
int page_staff_login(struct req *req, struct resp *resp); /* GET and POST /staf/inloggen */
int page_staff_login_expired(struct req *req, struct resp *resp);
int page_staff_code(struct req *req, struct resp *resp);           /* /staf/code */
int page_staff_password_first(struct req *req, struct resp *resp); /* /staf/wachtwoord-kiezen */
int page_staff_enrol(struct req *req, struct resp *resp);          /* /staf/tweede-stap-instellen */
int page_staff_home(struct req *req, struct resp *resp);           /* /staf/ */
int page_staff_account(struct req *req, struct resp *resp);        /* /staf/account */
int page_staff_account_password(struct req *req, struct resp *resp);  /* POST .../wachtwoord */
int page_staff_account_recovery(struct req *req, struct resp *resp);  /* POST .../herstelcodes */
int page_staff_logout(struct req *req, struct resp *resp);            /* POST /staf/uitloggen */
int page_staff_logout_everywhere(struct req *req, struct resp *resp); /* POST .../overal */
/* staff_admin.c: accounts and API tokens of the admin's organisation
 * (policy_staff_admin). */
int page_staff_admin(struct req *req, struct resp *resp); /* /staf/beheer */
/* POST /staf/beheer/account: disable, enable, reset the second factor. */
int page_staff_admin_user(struct req *req, struct resp *resp);
int page_staff_admin_add(struct req *req, struct resp *resp);    /* /staf/beheer/nieuw */
int page_staff_admin_roles(struct req *req, struct resp *resp);  /* /staf/beheer/rollen/:id */
int page_staff_admin_tokens(struct req *req, struct resp *resp); /* /staf/beheer/tokens */
/* POST /staf/beheer/tokens/intrekken */
int page_staff_admin_token_revoke(struct req *req, struct resp *resp);

/* staff_reports.c: the inbox and one report (policy_staff_reports). */
int page_staff_inbox(struct req *req, struct resp *resp);  /* /staf/meldingen */
int page_staff_report(struct req *req, struct resp *resp); /* /staf/meldingen/:id */

/* routes.c */
int page_healthz(struct req *req, struct resp *resp);
int page_static(struct req *req, struct resp *resp);
int page_asset(struct req *req, struct resp *resp);
/* /favicon.ico, where browsers look for it: static/favicon.ico. */
int page_favicon(struct req *req, struct resp *resp);

#endif

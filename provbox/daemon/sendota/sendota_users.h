/*
 * sendota_users.h - who may use provbox's sendota-compatible intake.
 *
 * One `group = sendota-user` per client, like Kannel's sendsms-user:
 *
 *   group = sendota-user
 *   username = crm            (required, unique)
 *   password = secret         (required)
 *   user-allow-ip = "10.0.0.*;127.0.0.1"   (default: 127.0.0.1 only)
 *   default-sender = 4790000000            (From: when the request has none)
 *   default-smsc = SMSC1      (SMSC: when the request names none)
 *   forced-smsc = SMSC2       (SMSC: always; a request's smsc is ignored)
 *   max-recipients = 100     (`to` values in one request; default 100)
 *
 * sendota_users_load() reads every group (NULL + error() on a missing or
 * duplicate username or a bad number); sendota_users_check() answers "is
 * this username/password/IP allowed" comparing passwords in constant time.
 * Read-only after loading, so thread-safe. Symbol prefix: sendota_users_.
 */
#ifndef PROVBOX_SENDOTA_USERS_H
#define PROVBOX_SENDOTA_USERS_H

#include "gwlib/gwlib.h"

#define SENDOTA_DEFAULT_MAX_RECIPIENTS 100

typedef struct SendotaUser {
    Octstr *username;
    Octstr *password;
    Octstr *allow_ip;        /* NULL: 127.0.0.1 only */
    Octstr *default_sender;  /* or NULL */
    Octstr *default_smsc;    /* or NULL */
    Octstr *forced_smsc;     /* or NULL */
    long max_recipients;
} SendotaUser;

typedef struct SendotaUsers SendotaUsers;

SendotaUsers *sendota_users_load(Cfg *cfg);
void sendota_users_destroy(SendotaUsers *users);
long sendota_users_count(const SendotaUsers *users);

/* The user, or NULL when the name is unknown, the password wrong or the
 * address not allowed. */
const SendotaUser *sendota_users_check(const SendotaUsers *users, Octstr *username,
                                       Octstr *password, Octstr *ip);

#endif

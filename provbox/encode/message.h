/*
 * message.h - one recipient's message: the one way a provisioning document
 * becomes the SMS segments provbox sends. The daemon (its dispatcher and,
 * through the same loader checks, the sendota intake), `provctl compile`
 * and lint's SMS count all come through here, so what they show is what
 * is sent.
 *
 * message_compile() compiles a document by its type (common/doc_type.h):
 * an OMA CP document into a template (template.h: its {{NAME}}
 * placeholders are filled per recipient), a legacy OTA type into its fixed
 * WBXML (ota_legacy.h), as a template without placeholders.
 *
 * message_encode() makes the message from the compiled document, filled
 * for the recipient:
 *   oma-settings   signed for the security mode with the recipient's
 *                  credentials (signer.h), wrapped in a WSP connectionless
 *                  push (push.h), split on the OMA push ports 2948/9200
 *   legacy types   unsigned (the security mode and credentials are not
 *                  read), their own WSP Content-Type and WDP ports
 * Every push carries WSP transaction id MESSAGE_WSP_TID (connectionless
 * pushes are not answered; receivers ignore it). The concatenation
 * reference is the caller's: the daemon takes message_job_reference() of a
 * job's name, so a job's messages get the same reference whenever it is
 * encoded, after a restart too; provctl compile takes --ref or a random
 * one.
 *
 * Errors are the signer's (credentials) or the splitter's (more segments
 * than max_segments), never quoting a credential. Thread-safe after
 * wbxml_init(). Symbol prefix: message_.
 */
#ifndef PROVBOX_MESSAGE_H
#define PROVBOX_MESSAGE_H

#include "gwlib/gwlib.h"
#include "common/doc_type.h"
#include "common/sec_mode.h"
#include "encode/signer.h"
#include "encode/template.h"

#define MESSAGE_WSP_TID 0x01

/* The document of type `type` (its XML bytes) compiled, or NULL + *error
 * ("line N: cause"). */
WbxmlTemplate *message_compile(DocType type, Octstr *xml, Octstr **error);

/* What one recipient's message is made of. The caller keeps every Octstr. */
typedef struct MessageSpec {
    DocType type;
    Octstr *wbxml;          /* the compiled document, filled for the recipient */
    SecMode sec;            /* oma-settings: how it is signed */
    Octstr *pin;            /* the recipient's credentials, as sec needs them */
    Octstr *imsi;
    long ref;               /* concatenation reference: 0-255, 0-65535 with ref_16bit */
    int ref_16bit;
    long max_segments;      /* a message that needs more is an error */
} MessageSpec;

typedef struct Message {
    Octstr *pdu;            /* the WSP push PDU */
    Signature *sig;         /* its signature (MAC, entry code); NULL for a legacy type */
    List *segments;         /* PushSegment*, in order */
} Message;

/* The message, or NULL + *error. A caller may take a field over (setting
 * it NULL) before message_destroy(). */
Message *message_encode(const MessageSpec *spec, Octstr **error);
void message_destroy(Message *message);

/* A job's concatenation reference: derived from its name alone (FNV-1a),
 * 8 bits, or 16 with ref_16bit. */
long message_job_reference(Octstr *job_name, int ref_16bit);

#endif

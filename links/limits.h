#pragma once

/* Every cap of the product lives here (spec: "Limits that hold everywhere"). */

/* config.json or OCI state read from a file or stdin: real configs with seccomp profiles are large. */
#define OCILINK_MAX_JSON_BYTES (4u * 1024u * 1024u)
/* Nesting depth of any JSON document: deeper input is refused before it can exhaust the stack. */
#define OCILINK_MAX_JSON_DEPTH 64
/* A hosts file we read or write, inside a rootfs or an engine's state directory. */
#define OCILINK_MAX_HOSTS_BYTES (1024u * 1024u)
/* Links a recipient may name. */
#define OCILINK_MAX_LINKS 256
/* Bytes of a container name or a link alias. */
#define OCILINK_MAX_NAME 128
/* Items of io.ocilink.expose after ranges are expanded: bounds the variables one link yields. */
#define OCILINK_MAX_PORTS 1024
/* Addresses in io.ocilink.ip, or discovered per family. */
#define OCILINK_MAX_ADDRS 16
/* Variables exported from a source (io.ocilink.env-export list items, or its process.env). */
#define OCILINK_MAX_ENV 4096
/* Quoted input in messages is cut to this many bytes. */
#define OCILINK_MAX_QUOTE 128
/* Bytes of an OCI container id (used as a registry file name). */
#define OCILINK_MAX_ID 256
/* Waiting for the registry lock, in milliseconds: fail closed past it, well inside a hook timeout. */
#define OCILINK_LOCK_TIMEOUT_MS 3000
/* Retries of openat2 when it reports a rename race (EAGAIN). */
#define OCILINK_OPENAT2_RETRIES 16

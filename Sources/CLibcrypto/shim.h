#ifndef SWIFTSSH_CLIBCRYPTO_SHIM_H
#define SWIFTSSH_CLIBCRYPTO_SHIM_H

// The OpenSSL 3 libcrypto headers SwiftSSH uses. Only the SSHCrypto target imports this module.
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/blowfish.h>

#endif

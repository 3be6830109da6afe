/*
 * The Swift-facing C interface of zkid-ffi, exercised from C (no Swift toolchain needed):
 * compiled against the header the Swift generator emits (zkid_ffiFFI.h) and linked with the
 * staticlib, exactly what an XCFramework ships. Driven by bindings/tests/swift_c_header.rs,
 * which passes the contract version and checksums the generated Swift expects:
 *   -DEXPECTED_CONTRACT_VERSION=N -DEXPECTED_CHECKSUM_VERSION=N -DEXPECTED_CHECKSUM_FROM_BYTES=N
 *
 * Checks: the scaffolding contract version and two API checksums (what the Swift bindings
 * verify at load), version() and generate_sealing_key() through the raw scaffolding symbols
 * (RustBuffer + RustCallStatus, buffers freed with the rustbuffer_free symbol), and a failing
 * constructor (ZkidModel.from_bytes on garbage: CALL_ERROR with a ZkidError.Model buffer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkid_ffiFFI.h"

#define CALL_SUCCESS 0
#define CALL_ERROR 1

static int failures = 0;

#define CHECK(cond, ...)                                 \
    do {                                                 \
        if (!(cond)) {                                   \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                \
            fprintf(stderr, "\n");                       \
            failures++;                                  \
        }                                                \
    } while (0)

static RustCallStatus fresh_status(void) {
    RustCallStatus s;
    memset(&s, 0, sizeof s);
    return s;
}

static void free_buffer(RustBuffer buf) {
    RustCallStatus s = fresh_status();
    ffi_zkid_ffi_rustbuffer_free(buf, &s);
    CHECK(s.code == CALL_SUCCESS, "rustbuffer_free failed with code %d", s.code);
}

/* Big-endian i32, as UniFFI serializes lengths and enum tags. */
static int32_t read_i32(const uint8_t *p) {
    return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3]);
}

static void write_i32(uint8_t *p, int32_t v) {
    p[0] = (uint8_t)((uint32_t)v >> 24);
    p[1] = (uint8_t)((uint32_t)v >> 16);
    p[2] = (uint8_t)((uint32_t)v >> 8);
    p[3] = (uint8_t)v;
}

int main(void) {
    /* The contract the generated Swift checks before any call. */
    uint32_t contract = ffi_zkid_ffi_uniffi_contract_version();
    CHECK(contract == EXPECTED_CONTRACT_VERSION, "contract version %u, the Swift bindings expect %u", contract,
          (unsigned)EXPECTED_CONTRACT_VERSION);
    CHECK(uniffi_zkid_ffi_checksum_func_version() == EXPECTED_CHECKSUM_VERSION, "version() checksum differs");
    CHECK(uniffi_zkid_ffi_checksum_constructor_zkidmodel_from_bytes() == EXPECTED_CHECKSUM_FROM_BYTES,
          "ZkidModel.from_bytes checksum differs");

    /* version(): a String return is its UTF-8 bytes, no length prefix. */
    RustCallStatus s = fresh_status();
    RustBuffer v = uniffi_zkid_ffi_fn_func_version(&s);
    CHECK(s.code == CALL_SUCCESS, "version() failed with code %d", s.code);
    CHECK(v.len > 0 && v.len < 64 && v.data != NULL, "version() returned %llu bytes", (unsigned long long)v.len);
    if (v.data != NULL && v.len > 0 && v.len < 64) {
        char text[64];
        memcpy(text, v.data, (size_t)v.len);
        text[v.len] = '\0';
        CHECK(strchr(text, '.') != NULL, "version() is %s", text);
        printf("version: %s\n", text);
    }
    free_buffer(v);

    /* generate_sealing_key(): Vec<u8> is an i32 length then the bytes; two keys differ. */
    uint8_t keys[2][32];
    for (int i = 0; i < 2; i++) {
        s = fresh_status();
        RustBuffer k = uniffi_zkid_ffi_fn_func_generate_sealing_key(&s);
        CHECK(s.code == CALL_SUCCESS, "generate_sealing_key() failed with code %d", s.code);
        CHECK(k.len == 4 + 32, "sealing key buffer of %llu bytes", (unsigned long long)k.len);
        if (k.len == 4 + 32) {
            CHECK(read_i32(k.data) == 32, "sealing key length prefix %d", read_i32(k.data));
            memcpy(keys[i], k.data + 4, 32);
        }
        free_buffer(k);
    }
    CHECK(memcmp(keys[0], keys[1], 32) != 0, "two generated sealing keys are equal");

    /* ZkidModel.from_bytes(garbage): the argument is a RustBuffer the library allocates. */
    static const char garbage[] = "not a zkid model";
    int32_t n = (int32_t)(sizeof garbage - 1);
    uint8_t arg[4 + sizeof garbage];
    write_i32(arg, n);
    memcpy(arg + 4, garbage, (size_t)n);
    ForeignBytes fb = {.len = 4 + n, .data = arg};
    s = fresh_status();
    RustBuffer in = ffi_zkid_ffi_rustbuffer_from_bytes(fb, &s);
    CHECK(s.code == CALL_SUCCESS, "rustbuffer_from_bytes failed with code %d", s.code);
    s = fresh_status();
    uint64_t handle = uniffi_zkid_ffi_fn_constructor_zkidmodel_from_bytes(in, &s); /* consumes `in` */
    CHECK(s.code == CALL_ERROR, "from_bytes(garbage) gave call status %d, expected CALL_ERROR", s.code);
    CHECK(handle == 0, "from_bytes(garbage) returned a handle");
    /* A flat error: variant index (1-based, ZkidError.Model = 2) then the message string. */
    RustBuffer e = s.errorBuf;
    CHECK(e.len >= 8 && e.data != NULL, "error buffer of %llu bytes", (unsigned long long)e.len);
    if (e.len >= 8 && e.data != NULL) {
        int32_t variant = read_i32(e.data);
        int32_t mlen = read_i32(e.data + 4);
        CHECK(variant == 2, "error variant %d, expected 2 (Model)", variant);
        CHECK(mlen > 0 && (uint64_t)mlen + 8 == e.len, "error message length %d in a %llu-byte buffer", mlen,
              (unsigned long long)e.len);
        if (mlen > 0 && (uint64_t)mlen + 8 == e.len) {
            printf("error: %.*s\n", mlen, (const char *)(e.data + 8));
        }
    }
    if (s.code == CALL_ERROR) {
        free_buffer(e);
    }

    if (failures != 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}

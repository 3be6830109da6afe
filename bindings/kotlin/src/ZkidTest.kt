// The Kotlin bindings of zkid on the JVM, end to end against the mini iris fixture
// (models/iris/mini): enroll, match, verify, sealing, and every error a caller can meet,
// each checked for its ZkidException subclass and message.
//
// A plain `main` runner (no JUnit): one line per test, then `N passed, M failed`; the exit
// status is non-zero when a test failed. Driven by bindings/tests/kotlin.rs, which generates
// zkid_ffi.kt, compiles both files and runs:
//
//   java -cp zkid-test.jar:kotlin-stdlib.jar:jna.jar -Djna.library.path=<dir of libzkid_ffi.so> \
//        ZkidTestKt models/iris/mini

import java.io.File
import java.math.BigInteger
import java.security.MessageDigest
import kotlin.system.exitProcess
import uniffi.zkid_ffi.*

const val MATCH_STATEMENT = "match(max_shift=3,min_bits=16)"

private var passed = 0
private var failed = 0

/** Runs one test, printing `ok`/`FAIL` with its time. */
fun test(name: String, body: () -> Unit) {
    val started = System.nanoTime()
    try {
        body()
        passed++
        println("ok   %-60s %6d ms".format(name, (System.nanoTime() - started) / 1_000_000))
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
        e.printStackTrace(System.out)
    }
}

fun check(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionError(message())
}

fun <T> checkEq(expected: T, actual: T, what: String) =
    check(expected == actual) { "$what: expected <$expected>, got <$actual>" }

/** Runs [block], requiring it to throw exactly the ZkidException subclass [E] with a message
 * that contains each of [fragments]. */
inline fun <reified E : ZkidException> expectError(vararg fragments: String, block: () -> Unit): E {
    try {
        block()
    } catch (e: ZkidException) {
        check(e is E) { "expected ${E::class.simpleName}, got ${e::class.simpleName}: ${e.message}" }
        val message = e.message ?: ""
        for (f in fragments) check(message.contains(f)) { "message <$message> lacks <$f>" }
        return e as E
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}

/** Records progress; cancels once [cancelAfter] progress calls were seen (never when null);
 * throws from onProgress when [throwOnProgress]. */
class Recorder(private val cancelAfter: Int? = null, private val throwOnProgress: Boolean = false) :
    ProgressListener {
    val events = mutableListOf<Pair<String, Float>>()

    override fun onProgress(phase: String, fraction: Float) {
        synchronized(events) { events.add(phase to fraction) }
        if (throwOnProgress) throw IllegalStateException("listener bug")
    }

    override fun isCancelled(): Boolean = cancelAfter != null && synchronized(events) { events.size >= cancelAfter }

    /** Fractions in [0, 1], never decreasing, ending with ("done", 1.0). */
    fun checkComplete() {
        check(events.isNotEmpty()) { "no progress was reported" }
        var last = 0f
        for ((phase, f) in events) {
            check(f in 0f..1f) { "fraction $f of $phase is outside [0, 1]" }
            check(f >= last) { "progress went back from $last to $f at $phase: $events" }
            last = f
        }
        checkEq("done" to 1.0f, events.last(), "last progress event")
    }
}

/** The envelope with its public signal [index] replaced by [value] (a forged claim). */
fun withPublicSignal(proofJson: String, index: Int, value: String): String {
    val array = Regex("\"publicSignals\"\\s*:\\s*\\[([^\\]]*)\\]").find(proofJson)
        ?: throw AssertionError("no publicSignals in $proofJson")
    val signals = Regex("\"([0-9]+)\"").findAll(array.groupValues[1]).map { it.groupValues[1] }.toMutableList()
    signals[index] = value
    val replaced = "\"publicSignals\":[" + signals.joinToString(",") { "\"$it\"" } + "]"
    return proofJson.replaceRange(array.range, replaced)
}

fun main(args: Array<String>) {
    val dir = File(args.firstOrNull() ?: "models/iris/mini")
    fun capture(name: String) =
        Capture.Iris(File(dir, "$name.image").readBytes(), File(dir, "$name.mask").readBytes())
    val a1 = capture("a1")
    val a2 = capture("a2")
    val b = capture("b")
    val modelBytes = File(dir, "model.zkm").readBytes()

    // Shared state, built by the first tests; a failure there fails the dependent ones too.
    val model = ZkidModel.fromPath(File(dir, "model.zkm").path)
    val enrollKeys by lazy { devSetup(model, "enroll") }
    val matchKeys by lazy { devSetup(model, MATCH_STATEMENT) }
    val enroller by lazy { ZkidProver(model, enrollKeys.provingKey, null) }
    val matcher by lazy { ZkidProver(model, matchKeys.provingKey, null) }
    val enrollVerifier by lazy { ZkidVerifier(enrollKeys.verifyingKey) }
    val matchVerifier by lazy { ZkidVerifier(matchKeys.verifyingKey) }
    val sealingKey = generateSealingKey()
    val enrollment by lazy { enroller.enroll(a1, sealingKey, null, null) }
    val matchA2 by lazy { matcher.matchEnrolled(a2, enrollment.sealedEnrollment, sealingKey, null, null, null) }
    val matchB by lazy { matcher.matchEnrolled(b, enrollment.sealedEnrollment, sealingKey, null, null, null) }

    // --- the happy path -------------------------------------------------------------------
    test("model: metadata of the mini iris model") {
        check(version().isNotEmpty()) { "empty version" }
        check(model.isIris()) { "the mini model is an iris model" }
        checkEq(1024uL, model.captureLen(), "capture length (16 x 64)")
        checkEq("mini-iris", model.name(), "model name")
        check(Regex("[0-9a-f]{64}").matches(model.digest())) { "digest ${model.digest()} is not 64 hex digits" }
        checkEq(model.digest(), ZkidModel.fromBytes(modelBytes).digest(), "digest from bytes vs from path")
    }

    test("dev_setup: keys for enroll and match") {
        checkEq("enroll", enroller.statement(), "enroll prover statement")
        checkEq(MATCH_STATEMENT, matcher.statement(), "match prover statement")
        checkEq("enroll", enrollVerifier.statement(), "enroll verifier statement")
        checkEq(MATCH_STATEMENT, matchVerifier.statement(), "match verifier statement")
    }

    test("enroll a1: proof, commitments, sealed enrollment, monotone progress ending at 1.0") {
        val progress = Recorder()
        val e = enroller.enroll(a1, sealingKey, "42", progress)
        progress.checkComplete()
        checkEq("enroll", e.proof.statement, "statement")
        checkEq(listOf(e.imageCommitment, e.templateCommitment, "42"), e.proof.publicSignals, "public signals")
        check(e.proof.constraints > 0uL) { "no constraints" }
        check(e.sealedEnrollment.isNotEmpty()) { "empty sealed enrollment" }
        val v = enrollVerifier.verify(e.proof.proofJson, "42")
        check(v.valid) { "the enrollment proof does not verify" }
        checkEq(null, v.verdict, "verdict of an enroll proof")
        checkEq(e.proof.publicSignals, v.publicSignals, "verified public signals")
    }

    test("match a2 against a1: verdict true, proof verifies") {
        val m = matchA2
        check(m.verdict) { "a2 (a1 rolled by 2 probe columns) must match a1" }
        checkEq(enrollment.templateCommitment, m.templateCommitment, "template commitment")
        checkEq(22938uL, m.tau, "default tau 0.35 in 2^-16 units")
        val v = matchVerifier.verify(m.proof.proofJson, null)
        check(v.valid) { "the match proof does not verify" }
        checkEq(true, v.verdict, "verified verdict")
    }

    test("match b against a1: verdict false, proof verifies") {
        val m = matchB
        check(!m.verdict) { "b (another eye) must not match a1" }
        val v = matchVerifier.verify(m.proof.proofJson, null)
        check(v.valid) { "the no-match proof does not verify" }
        checkEq(false, v.verdict, "verified verdict")
    }

    test("match with a strict tau and a nonce, with progress") {
        val progress = Recorder()
        val m = matcher.matchEnrolled(a2, enrollment.sealedEnrollment, sealingKey, 0.0, "7", progress)
        progress.checkComplete()
        check(!m.verdict) { "tau 0 cannot match a noisy capture" }
        checkEq(0uL, m.tau, "tau")
        check(matchVerifier.verify(m.proof.proofJson, "7").valid) { "does not verify with its nonce" }
    }

    test("tampered: b's no-match proof with the verdict forged to 1 is invalid") {
        val forged = withPublicSignal(matchB.proof.proofJson, 3, "1")
        check(forged != matchB.proof.proofJson) { "the forgery changed nothing" }
        val v = matchVerifier.verify(forged, null)
        check(!v.valid) { "a forged verdict verified" }
    }

    test("tampered: another image commitment is invalid") {
        val other = BigInteger(enrollment.imageCommitment).add(BigInteger.ONE).toString()
        val v = enrollVerifier.verify(withPublicSignal(enrollment.proof.proofJson, 0, other), null)
        check(!v.valid) { "a proof verified for another commitment" }
    }

    test("tampered: a changed proof point is invalid or a Proof error") {
        val json = matchA2.proof.proofJson
        val pa = Regex("\"pi_a\"\\s*:\\s*\\[\\s*\"([0-9]+)\"").find(json) ?: throw AssertionError("no pi_a in $json")
        val x = pa.groups[1]!!
        val bumped = BigInteger(x.value).add(BigInteger.ONE).toString()
        val tampered = json.replaceRange(x.range, bumped)
        try {
            check(!matchVerifier.verify(tampered, null).valid) { "a tampered proof verified" }
        } catch (e: ZkidException.Proof) {
            check(e.message!!.startsWith("proof error: ")) { "message ${e.message}" }
        }
    }

    test("seal/unseal: round trip, bound to the label") {
        val blob = seal(sealingKey, model, "note", "secret".toByteArray())
        checkEq("secret", String(unseal(sealingKey, model, "note", blob)), "unsealed plaintext")
        check(!blob.contentEquals(seal(sealingKey, model, "note", "secret".toByteArray()))) { "sealing is not randomized" }
        expectError<ZkidException.Sealing>("cannot unseal") { unseal(sealingKey, model, "other", blob) }
    }

    // --- errors: each with its subclass and message ------------------------------------------
    test("error: image of the wrong size is InvalidInput") {
        val small = Capture.Iris(ByteArray(1000), ByteArray(1000) { 1 })
        expectError<ZkidException.InvalidInput>("invalid input", "1000", "1024") {
            enroller.enroll(small, sealingKey, null, null)
        }
    }

    test("error: a raw capture for an iris model is InvalidInput") {
        expectError<ZkidException.InvalidInput>("iris") {
            enroller.enroll(Capture.Raw(List(1024) { 0f }), sealingKey, null, null)
        }
    }

    test("error: a garbage model is a Model error") {
        expectError<ZkidException.Model>("model error") { ZkidModel.fromBytes("not a model".toByteArray()) }
    }

    test("error: a model with a flipped byte is a Model error (checksum)") {
        val corrupt = modelBytes.copyOf()
        corrupt[40] = (corrupt[40].toInt() xor 1).toByte()
        expectError<ZkidException.Model>("model error", "checksum") { ZkidModel.fromBytes(corrupt) }
    }

    test("error: missing files") {
        // Key files: an Io error. The model file: the core's loader reports it as a Model
        // error naming the path (the OS message follows).
        expectError<ZkidException.Io>("i/o error") { ZkidProver.fromPath(model, "/nonexistent/zkid/enroll.pk", null) }
        expectError<ZkidException.Io>("i/o error") { ZkidVerifier.fromPath("/nonexistent/zkid/enroll.vk") }
        expectError<ZkidException.Model>("/nonexistent/zkid/model.zkm") {
            ZkidModel.fromPath("/nonexistent/zkid/model.zkm")
        }
    }

    test("error: a corrupted proving key is a Key error") {
        val corrupt = enrollKeys.provingKey.copyOf()
        corrupt[corrupt.size / 2] = (corrupt[corrupt.size / 2].toInt() xor 0x55).toByte()
        expectError<ZkidException.Key>("key error", "digest mismatch") { ZkidProver(model, corrupt, null) }
        expectError<ZkidException.Key>("key error", "truncated") {
            ZkidProver(model, enrollKeys.provingKey.copyOf(20), null)
        }
        expectError<ZkidException.Key>("key error", "bad magic") { ZkidProver(model, ByteArray(4096) { 7 }, null) }
    }

    test("error: a verifying key as proving key (and back) is a Key error") {
        expectError<ZkidException.Key>("key error") { ZkidProver(model, enrollKeys.verifyingKey, null) }
        expectError<ZkidException.Key>("key error") { ZkidVerifier(enrollKeys.provingKey) }
    }

    test("error: a key pinned to another digest is a Key error; a malformed pin InvalidInput") {
        expectError<ZkidException.Key>("not the pinned one") { ZkidProver(model, enrollKeys.provingKey, "00".repeat(32)) }
        expectError<ZkidException.InvalidInput>("64 hex digits") { ZkidProver(model, enrollKeys.provingKey, "abc") }
    }

    test("error: a key made for another model is a Key error") {
        // Same operator, other name: a distinct model (the .zkm trailer is the SHA-256 of
        // everything before it, and the model's digest).
        val renamed = String(modelBytes, Charsets.ISO_8859_1).replace("mini-iris", "mini-IRIS")
            .toByteArray(Charsets.ISO_8859_1)
        val body = renamed.copyOf(renamed.size - 32)
        val other = ZkidModel.fromBytes(body + MessageDigest.getInstance("SHA-256").digest(body))
        checkEq("mini-IRIS", other.name(), "renamed model")
        check(other.digest() != model.digest()) { "the renamed model has the same digest" }
        expectError<ZkidException.Key>("key error", "key was made for model") {
            ZkidProver(other, enrollKeys.provingKey, null)
        }
    }

    test("error: a key for another statement") {
        // Enrolling with a match prover is a key for another statement; verifying an
        // enrollment with the match key is a proof for another statement.
        expectError<ZkidException.Key>("key error", "statement \"$MATCH_STATEMENT\", expected \"enroll\"") {
            matcher.enroll(a1, sealingKey, null, null)
        }
        expectError<ZkidException.Key>("key error", "statement \"enroll\", expected \"match\"") {
            enroller.matchEnrolled(a2, enrollment.sealedEnrollment, sealingKey, null, null, null)
        }
        expectError<ZkidException.Proof>("proof error", "enroll") {
            matchVerifier.verify(enrollment.proof.proofJson, null)
        }
    }

    test("error: a garbage sealed enrollment is a Sealing error") {
        expectError<ZkidException.Sealing>("sealing error") {
            matcher.matchEnrolled(a2, ByteArray(200) { 9 }, sealingKey, null, null, null)
        }
        expectError<ZkidException.Sealing>("truncated") {
            matcher.matchEnrolled(a2, enrollment.sealedEnrollment.copyOf(10), sealingKey, null, null, null)
        }
    }

    test("error: the wrong sealing key is a Sealing error") {
        expectError<ZkidException.Sealing>("cannot unseal") {
            matcher.matchEnrolled(a2, enrollment.sealedEnrollment, generateSealingKey(), null, null, null)
        }
        expectError<ZkidException.Sealing>("32 bytes") { enroller.enroll(a1, ByteArray(16), null, null) }
    }

    test("error: a bad nonce is InvalidInput") {
        expectError<ZkidException.InvalidInput>("invalid input") { enroller.enroll(a1, sealingKey, "not-a-number", null) }
        expectError<ZkidException.InvalidInput>("invalid input") {
            enrollVerifier.verify(enrollment.proof.proofJson, "-5")
        }
    }

    test("error: verifying with another nonce is a Proof error") {
        val e = enroller.enroll(a1, sealingKey, "1001", null)
        expectError<ZkidException.Proof>("nonce mismatch") { enrollVerifier.verify(e.proof.proofJson, "1002") }
    }

    test("error: a bad tau is InvalidInput") {
        for (tau in listOf(1.5, -0.1, Double.NaN, Double.POSITIVE_INFINITY)) {
            expectError<ZkidException.InvalidInput>("threshold") {
                matcher.matchEnrolled(a2, enrollment.sealedEnrollment, sealingKey, tau, null, null)
            }
        }
    }

    test("error: malformed proof JSON is a Proof error") {
        expectError<ZkidException.Proof>("proof error") { enrollVerifier.verify("{not json", null) }
    }

    test("cancel: a listener that cancels after the first phase gives Cancelled") {
        val listener = Recorder(cancelAfter = 1)
        expectError<ZkidException.Cancelled>("cancelled") {
            matcher.matchEnrolled(a2, enrollment.sealedEnrollment, sealingKey, null, null, listener)
        }
        check(listener.events.none { it.first == "done" }) { "a cancelled proof reported done: ${listener.events}" }
    }

    test("cancel: a listener cancelled from the start gives Cancelled before any phase") {
        val listener = Recorder(cancelAfter = 0)
        expectError<ZkidException.Cancelled>("cancelled") { enroller.enroll(a1, sealingKey, null, listener) }
        checkEq(0, listener.events.size, "progress events of a proof cancelled up front")
    }

    test("listener: a listener that throws stops the proof with an Internal error") {
        expectError<ZkidException.Internal>("progress listener") {
            enroller.enroll(a1, sealingKey, null, Recorder(throwOnProgress = true))
        }
    }

    test("threads: one prover, two concurrent matches") {
        val results = arrayOfNulls<Boolean>(2)
        val errors = arrayOfNulls<Throwable>(2)
        val threads = listOf(a2, b).mapIndexed { i, c ->
            Thread {
                try {
                    results[i] = matcher.matchEnrolled(c, enrollment.sealedEnrollment, sealingKey, null, null, null).verdict
                } catch (t: Throwable) {
                    errors[i] = t
                }
            }.apply { start() }
        }
        threads.forEach { it.join() }
        errors.filterNotNull().firstOrNull()?.let { throw it }
        checkEq(listOf(true, false), results.toList(), "verdicts of a2 and b")
    }

    test("lifecycle: objects close") {
        ZkidModel.fromBytes(modelBytes).use { m -> checkEq(model.digest(), m.digest(), "digest") }
        ZkidVerifier(enrollKeys.verifyingKey).close()
    }

    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}

// `:zkid`: the Kotlin API of zkid for Android apps.
//
// * src/main/kotlin/   the UniFFI-generated Kotlin (package `uniffi.zkid_ffi`), written by
//                      `cargo xtask bindings` (committed);
// * src/main/jniLibs/  libzkid_ffi.so per ABI (arm64-v8a, armeabi-v7a, x86_64), written by
//                      ../build-android.sh with cargo-ndk (not committed);
// * JNA, as an AAR so that its own native library (libjnidispatch.so) comes per ABI too.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "dev.zkid"
    compileSdk = 34

    defaultConfig {
        minSdk = 24
        // Keeps JNA and the generated classes through R8 in apps that use this library.
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        kotlin.srcDir("src/main/kotlin")
        jniLibs.srcDir("src/main/jniLibs")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // UniFFI's Kotlin loads libzkid_ffi.so with JNA.
    implementation("net.java.dev.jna:jna:5.17.0@aar")
}

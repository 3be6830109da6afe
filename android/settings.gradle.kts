// The zkid Android library: one module, `:zkid` (the UniFFI-generated Kotlin API + the Rust
// library for each ABI, loaded through JNA). Build the native part first with
// ./build-android.sh (NDK), then `gradle :zkid:assembleRelease`.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("com.android.library") version "8.7.3"
        id("org.jetbrains.kotlin.android") version "2.1.21"
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "zkid-android"
include(":zkid")

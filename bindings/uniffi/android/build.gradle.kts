// Packages the generated Kotlin bindings and the per-ABI native libraries as an Android library (AAR).
//
// Inputs, written by `cargo xtask mobile android` (see ../README.md):
//   ../../../target/uniffi/kotlin                 the generated Kotlin (package com.iothuberrors) and, beside it,
//                                                 the hand-written ../kotlin/*.kt (fromThrowable)
//   ../../../target/uniffi/android/jniLibs/<abi>/ libiothub_errors_uniffi.so for arm64-v8a, armeabi-v7a, x86_64, x86
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

val generated = rootDir.resolve("../../../target/uniffi")

android {
    namespace = "com.iothuberrors"
    compileSdk = 35

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        java.srcDir(generated.resolve("kotlin"))
        jniLibs.srcDir(generated.resolve("android/jniLibs"))
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
    // The generated bindings call the library through JNA; on Android it comes as an AAR with its own .so files.
    implementation("net.java.dev.jna:jna:5.14.0@aar")
}

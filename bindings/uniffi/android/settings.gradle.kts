// The Android library module of the iothub-errors Kotlin bindings, buildable on its own
// (`gradle assembleRelease`) or included in an app's build (`include(":iothub-errors")` with its projectDir).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "iothub-errors"

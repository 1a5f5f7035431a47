# Finds Warden's dependencies as Debian packages them (see README "Dependencies").

if(NOT TARGET absl::base)
  find_package(absl CONFIG REQUIRED)
endif()

find_package(re2 CONFIG QUIET)  # newer distributions, vcpkg, Conan
if(NOT re2_FOUND)               # Debian bookworm ships only re2.pc
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
  add_library(re2::re2 ALIAS PkgConfig::RE2)
endif()

find_package(FlatBuffers CONFIG REQUIRED NAMES FlatBuffers flatbuffers)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(Threads REQUIRED)

if(WARDEN_BUILD_TESTING)
  find_package(GTest CONFIG REQUIRED)
  include(GoogleTest)
endif()
if(WARDEN_BUILD_BENCHMARKS)
  find_package(benchmark CONFIG REQUIRED)
endif()

# Small helpers so every folder declares its targets the same way.

# Warnings for our own code only (never for generated or third-party code).
set(WARDEN_WARNINGS -Wall -Wextra -Werror -Werror=unused-result)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND WARDEN_WARNINGS -Wthread-safety)
endif()

# warden_cc_library(NAME name SRCS ... DEPS ... [PUBLIC_DEPS ...])
# Creates warden_<name> with alias warden::<name>; includes are repo-root-relative.
function(warden_cc_library)
  cmake_parse_arguments(W "" "NAME" "SRCS;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(warden_${W_NAME} ${W_SRCS})
  add_library(warden::${W_NAME} ALIAS warden_${W_NAME})
  target_include_directories(warden_${W_NAME} PUBLIC
    "${PROJECT_SOURCE_DIR}" "${PROJECT_BINARY_DIR}")
  target_compile_options(warden_${W_NAME} PRIVATE ${WARDEN_WARNINGS})
  target_link_libraries(warden_${W_NAME} PUBLIC ${W_PUBLIC_DEPS} PRIVATE ${W_DEPS})
endfunction()

# warden_cc_test(NAME name SRCS ... DEPS ... [LABELS ...])
# A GoogleTest binary registered with ctest (one ctest entry per binary, so
# that test start-up costs are paid once).
function(warden_cc_test)
  cmake_parse_arguments(W "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${W_NAME} ${W_SRCS})
  target_compile_options(${W_NAME} PRIVATE ${WARDEN_WARNINGS})
  target_include_directories(${W_NAME} PRIVATE "${PROJECT_SOURCE_DIR}" "${PROJECT_BINARY_DIR}")
  target_link_libraries(${W_NAME} PRIVATE ${W_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${W_NAME} PRIVATE
    WARDEN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    WARDEN_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${W_NAME} COMMAND ${W_NAME})
  if(NOT W_TIMEOUT)
    set(W_TIMEOUT 600)
  endif()
  set_tests_properties(${W_NAME} PROPERTIES TIMEOUT ${W_TIMEOUT})
  if(W_LABELS)
    set_tests_properties(${W_NAME} PROPERTIES LABELS "${W_LABELS}")
  endif()
endfunction()

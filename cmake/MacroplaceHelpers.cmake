# Helpers that keep every target alike (Abseil's absl_cc_library style).
#
# macroplace_library(NAME <module> SOURCES ... DEPS ...)
#   Library target macroplace_<module> with alias macroplace::<module>; public headers in
#   <module>/include, private sources in <module>/src.
# macroplace_test(NAME <name> SOURCES ... DEPS ... [LABELS ...])
#   GoogleTest executable registered with CTest through gtest_discover_tests.
# macroplace_benchmark(NAME <name> SOURCES ... DEPS ...)
#   Google Benchmark executable, run by bench/run.

set(MACROPLACE_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)

function(macroplace_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target macroplace_${ARG_NAME})
  add_library(${target} ${ARG_SOURCES})
  add_library(macroplace::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${MACROPLACE_WARNINGS}>")
endfunction()

function(macroplace_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} macroplace_testing GTest::gtest GTest::gtest_main)
  target_compile_options(${ARG_NAME} PRIVATE ${MACROPLACE_WARNINGS})
  set(labels ${ARG_LABELS})
  if(NOT labels)
    set(labels unit)
  endif()
  gtest_discover_tests(${ARG_NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS "${labels}"
    DISCOVERY_TIMEOUT 60)
endfunction()

function(macroplace_benchmark)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} macroplace_bench_main)
  set_property(GLOBAL APPEND PROPERTY MACROPLACE_BENCHMARK_TARGETS ${ARG_NAME})
endfunction()

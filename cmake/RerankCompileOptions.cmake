# Warnings and sanitizers, applied to every target of the project through rerank_compile_options.
add_library(rerank_compile_options INTERFACE)
target_compile_options(rerank_compile_options INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic>
    $<$<AND:$<CXX_COMPILER_ID:GNU,Clang>,$<BOOL:${RERANK_WARNINGS_AS_ERRORS}>>:-Werror>
    # In a unity build every source is #included by a generated file, so GCC takes the
    # coroutine frames and lambdas of a .cpp for types of a header and warns that they have
    # internal linkage. Targets compiled one file at a time keep the warning.
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<BOOL:$<TARGET_PROPERTY:UNITY_BUILD>>>:-Wno-subobject-linkage>)
if(RERANK_SANITIZE)
    target_compile_options(rerank_compile_options INTERFACE
        -fsanitize=${RERANK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(rerank_compile_options INTERFACE -fsanitize=${RERANK_SANITIZE})
endif()
# The fuzz build (test/fuzz): every target compiled with libFuzzer's coverage instrumentation and
# ASan+UBSan; the fuzz targets add libFuzzer's main when they link.
if(RERANK_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "RERANK_FUZZ needs clang (libFuzzer): configure with CMAKE_CXX_COMPILER=clang++-14")
    endif()
    if(RERANK_SANITIZE)
        message(FATAL_ERROR "RERANK_FUZZ brings its own sanitizers: leave RERANK_SANITIZE empty")
    endif()
    target_compile_options(rerank_compile_options INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(rerank_compile_options INTERFACE -fsanitize=address,undefined)
endif()

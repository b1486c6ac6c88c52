# cmake -DBUILD_DIR=... -DPART=p -DFORBIDDEN="q;r" -DMESSAGES="q/x.hpp: No such...;..." -P
# check_layers.cmake: builds layer_<p>_allowed (must succeed), then layer_<p>_includes_<q> for
# each forbidden part q (must fail because q's header is not found).
# One compilation at a time: ctest runs other tests beside this one (test/CMakeLists.txt).
function(build target result output)
    execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${target} --parallel 1
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    set(${result} ${rc} PARENT_SCOPE)
    set(${output} "${out}" PARENT_SCOPE)
endfunction()

build(layer_${PART}_allowed rc out)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "part ${PART} cannot include the headers of the parts it uses:\n${out}")
endif()
message(STATUS "${PART}: includes its own headers and those of the parts it uses")

foreach(other message IN ZIP_LISTS FORBIDDEN MESSAGES)
    build(layer_${PART}_includes_${other} rc out)
    if(rc EQUAL 0)
        message(FATAL_ERROR "part ${PART} can include a header of ${other}, which it does not use")
    endif()
    string(FIND "${out}" "${message}" found)
    if(found EQUAL -1)
        message(FATAL_ERROR "including a header of ${other} as part ${PART} failed, but not for "
                            "want of the header (expected '${message}'):\n${out}")
    endif()
    message(STATUS "${PART}: cannot include ${other} (${message})")
endforeach()

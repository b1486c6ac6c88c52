# The `docs` target: the API reference of include/rerank by Doxygen (Debian `doxygen`), in
# BUILD/docs/html/index.html. Only when Doxygen is found; its warnings (an undocumented public
# symbol among them) fail the target, and docs/Doxyfile.in says which.
find_package(Doxygen QUIET)
if(DOXYGEN_FOUND)
    set(RERANK_DOCS_DIR ${PROJECT_BINARY_DIR}/docs)
    configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${RERANK_DOCS_DIR}/Doxyfile @ONLY)
    add_custom_target(docs
        COMMAND ${CMAKE_COMMAND} -E make_directory ${RERANK_DOCS_DIR}
        COMMAND ${DOXYGEN_EXECUTABLE} ${RERANK_DOCS_DIR}/Doxyfile
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
        COMMENT "API reference: ${RERANK_DOCS_DIR}/html/index.html"
        VERBATIM)
endif()

# `cmake --install` puts headers, the library and a CMake package (find_package(rerank)).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/rerank DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS rerank rerank_compile_options EXPORT rerankTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET rerank-emulator)
    install(TARGETS rerank-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(EXPORT rerankTargets NAMESPACE rerank:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rerank)
configure_package_config_file(cmake/rerankConfig.cmake.in
    ${PROJECT_BINARY_DIR}/rerankConfig.cmake
    INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rerank)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rerankConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/rerankConfig.cmake ${PROJECT_BINARY_DIR}/rerankConfigVersion.cmake
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rerank)
if(TARGET rerank-cli)
    install(TARGETS rerank-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

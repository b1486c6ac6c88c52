// What the HTTP targets need of Asio and Beast's separately compiled code: Beast's response
// parser and the error categories. src/asio_impl.cpp compiles all of Asio, Asio.SSL and Beast,
// which under the fuzzer's instrumentation takes as long as everything else together.
#define BOOST_BEAST_SOURCE // as boost/beast/src.hpp does

#include <boost/asio/impl/error.ipp>
#include <boost/asio/ssl/impl/error.ipp>
#include <boost/beast/core/detail/impl/temporary_buffer.ipp>
#include <boost/beast/core/impl/error.ipp>
#include <boost/beast/core/impl/string.ipp>
#include <boost/beast/http/detail/basic_parser.ipp>
#include <boost/beast/http/detail/rfc7230.ipp>
#include <boost/beast/http/impl/basic_parser.ipp>
#include <boost/beast/http/impl/error.ipp>
#include <boost/beast/http/impl/field.ipp>
#include <boost/beast/http/impl/rfc7230.ipp>
#include <boost/beast/http/impl/status.ipp>
#include <boost/beast/http/impl/verb.ipp>

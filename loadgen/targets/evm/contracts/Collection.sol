// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 id, bytes calldata data) external returns (bytes4);
}

/// An ERC-721 collection for load tests. `mint()` takes the shared counter's next id, so mints of
/// one collection contend on the counter; `mintId(id)` mints an id chosen in advance and leaves the
/// counter alone (EVM storage has no commutative add: counting it up would make them contend too).
contract Collection {
    string public name;
    string public symbol;
    uint256 public immutable maxSupply;
    uint256 public nextId;
    mapping(uint256 => address) private owners;
    mapping(address => uint256) public balanceOf;
    mapping(uint256 => address) public getApproved;
    mapping(address => mapping(address => bool)) public isApprovedForAll;

    event Transfer(address indexed from, address indexed to, uint256 indexed id);
    event Approval(address indexed owner, address indexed approved, uint256 indexed id);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    constructor(string memory name_, string memory symbol_, uint256 maxSupply_) {
        name = name_;
        symbol = symbol_;
        maxSupply = maxSupply_;
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x80ac58cd || id == 0x01ffc9a7;
    }

    function ownerOf(uint256 id) public view returns (address holder) {
        holder = owners[id];
        require(holder != address(0), "no such token");
    }

    function mint() external returns (uint256 id) {
        id = nextId;
        require(id < maxSupply, "sold out");
        nextId = id + 1;
        _mint(msg.sender, id);
    }

    function mintId(uint256 id) external {
        require(id < maxSupply, "sold out");
        require(owners[id] == address(0), "already minted");
        _mint(msg.sender, id);
    }

    function approve(address to, uint256 id) external {
        address holder = ownerOf(id);
        require(msg.sender == holder || isApprovedForAll[holder][msg.sender], "not allowed");
        getApproved[id] = to;
        emit Approval(holder, to, id);
    }

    function setApprovalForAll(address operator, bool approved) external {
        isApprovedForAll[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function transferFrom(address from, address to, uint256 id) public {
        require(owners[id] == from && from != address(0), "not the owner");
        require(msg.sender == from || getApproved[id] == msg.sender || isApprovedForAll[from][msg.sender], "not allowed");
        require(to != address(0), "no recipient");
        delete getApproved[id];
        unchecked {
            balanceOf[from] -= 1;
        }
        balanceOf[to] += 1;
        owners[id] = to;
        emit Transfer(from, to, id);
    }

    function safeTransferFrom(address from, address to, uint256 id) external {
        safeTransferFrom(from, to, id, "");
    }

    function safeTransferFrom(address from, address to, uint256 id, bytes memory data) public {
        transferFrom(from, to, id);
        if (to.code.length > 0) {
            require(IERC721Receiver(to).onERC721Received(msg.sender, from, id, data) == IERC721Receiver.onERC721Received.selector, "recipient refuses tokens");
        }
    }

    function _mint(address to, uint256 id) private {
        owners[id] = to;
        balanceOf[to] += 1;
        emit Transfer(address(0), to, id);
    }
}
